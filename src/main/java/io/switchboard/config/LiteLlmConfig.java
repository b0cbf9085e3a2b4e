package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a LiteLLM Proxy config ({@code model_list}, {@code router_settings}, {@code litellm_settings}, ...) as a
 * Switchboard config tree, which then goes through the normal validation. Native Switchboard keys in the same
 * file are kept; what LiteLLM adds is appended after them. Settings accepted but not acted on become warnings;
 * settings this version cannot honour become problems.
 */
final class LiteLlmConfig {
  static final List<String> ROOT_KEYS = List.of(
      "model_list", "router_settings", "litellm_settings", "general_settings", "environment_variables");

  /**
   * LiteLLM provider prefixes of the kinds this build names natively, with the provider type each becomes.
   * Every preset's name and aliases (groq, together_ai, hosted_vllm, azure_ai, ...) are prefixes too.
   */
  private static final Map<String, String> NATIVE_PREFIXES = orderedMap(
      "openai", "openai", "anthropic", "anthropic", "gemini", "gemini", "vertex_ai", "vertex-ai",
      "bedrock", "bedrock", "cohere", "cohere", "cohere_chat", "cohere", "azure", "azure",
      "openai_like", "openai-compatible", "custom_openai", "openai-compatible");
  /** Servers at an address the deployment must give. */
  private static final Set<String> OPENAI_COMPATIBLE = Set.of("openai_like", "custom_openai");
  /** Deployments that read their key from a variable of LiteLLM's naming, written out as ${VAR}. */
  private static final Set<String> KEY_FROM_VARIABLE = Set.of("openai", "anthropic");
  /**
   * LiteLLM params of the native kinds, as their providers entries name them (Vertex AI's project and region,
   * AWS credentials, Azure's API version).
   */
  private static final Map<String, Map<String, String>> NATIVE_PARAMS = Map.of(
      "vertex-ai", orderedMap("vertex_project", "project", "vertex_location", "region",
          "vertex_credentials", "credentials"),
      "bedrock", orderedMap("aws_region_name", "region", "aws_access_key_id", "aws_access_key_id",
          "aws_secret_access_key", "aws_secret_access_key", "aws_session_token", "aws_session_token"),
      "azure", orderedMap("api_version", "api_version"));
  private static final Set<String> DEPLOYMENT_KEYS = Set.of("model_name", "litellm_params", "model_info");
  private static final Set<String> PARAMS_HANDLED = union(Set.of("model", "custom_llm_provider", "api_key",
      "api_base", "base_url", "timeout", "stream_timeout", "rpm", "tpm", "weight", "extra_headers", "max_retries",
      "ssl_verify", "ssl_certificate"),
      NATIVE_PARAMS.values().stream().flatMap(m -> m.keySet().stream()).collect(java.util.stream.Collectors.toSet()));
  private static final Set<String> LOADBALANCE_STRATEGIES = Set.of(
      "simple-shuffle", "usage-based-routing", "usage-based-routing-v2");
  /** LiteLLM strategies with a native mode of the same behaviour. */
  private static final Map<String, String> PASSED_THROUGH_STRATEGIES = Map.of(
      "least-busy", "least-busy", "latency-based-routing", "least-latency", "cost-based-routing", "cost-optimized");
  private static final Set<String> CALLBACK_KEYS = Set.of(
      "success_callback", "failure_callback", "callbacks", "service_callback");
  private static final Set<String> SILENT_SETTINGS = Set.of("set_verbose", "json_logs");
  private static final Pattern OS_ENVIRON = Pattern.compile("^os\\.environ/(.*)$", Pattern.DOTALL);
  private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
  private static final Pattern NOT_KEY_CHARS = Pattern.compile("[^A-Za-z0-9_.-]+");
  /** LiteLLM's Router retries twice when no num_retries is set (openai.DEFAULT_MAX_RETRIES). */
  private static final int LITELLM_DEFAULT_RETRIES = 2;
  private static final int MAX_RETRIES = 9;  // the validator allows at most 10 attempts
  private static final int DEFAULT_CACHE_SECONDS = 300;
  private static final int DEFAULT_CACHE_ENTRIES = 1000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private LiteLlmConfig() {}

  private static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }

  /** The provider type or preset a LiteLLM prefix becomes, or null when this build has none. */
  static String providerFor(String prefix) {
    String nativeType = NATIVE_PREFIXES.get(prefix);
    if (nativeType != null) {
      return nativeType;
    }
    return Presets.find(prefix).map(Preset::name).orElse(null);
  }

  static String expectedPrefixes() {
    return String.join(", ", NATIVE_PREFIXES.keySet()) + ", or an OpenAI-compatible preset: "
        + String.join(", ", Presets.all().stream().map(Preset::name).toList());
  }

  static boolean isLiteLlm(ObjectNode root) {
    return ROOT_KEYS.stream().anyMatch(root::has);
  }

  static ObjectNode translate(ObjectNode root, List<String> problems, List<String> warnings) {
    return translate(root, problems, warnings, new HashMap<>());
  }

  /**
   * As {@link #translate(ObjectNode, List, List)}, also recording in {@code origins} where each translated path
   * came from, so that {@link #relocate} can report validation problems where the user wrote the setting.
   */
  static ObjectNode translate(ObjectNode root, List<String> problems, List<String> warnings,
      Map<String, String> origins) {
    return new Translation(root, problems, warnings, origins).run();
  }

  /** Rewrites the path of each {@code path: message} problem that lies under a translated path. */
  static List<String> relocate(List<String> problems, Map<String, String> origins) {
    if (origins.isEmpty()) {
      return problems;
    }
    List<String> out = new ArrayList<>(problems.size());
    for (String problem : problems) {
      int colon = problem.indexOf(": ");
      String path = colon < 0 ? problem : problem.substring(0, colon);
      String best = null;
      for (String from : origins.keySet()) {
        boolean under = path.equals(from) || path.startsWith(from + ".") || path.startsWith(from + "[");
        if (under && (best == null || from.length() > best.length())) {
          best = from;
        }
      }
      out.add(best == null ? problem : origins.get(best) + problem.substring(best.length()));
    }
    return out;
  }

  /** One LiteLLM deployment, translated; {@code modelId} is the model sent upstream. */
  private record Deployment(String path, String modelName, String providerKey, ProviderType type, String modelId,
      boolean wildcard, ObjectNode target, boolean ownRetries) {}

  private static final class Translation {
    private final ObjectNode in;
    private final List<String> problems;
    private final List<String> warnings;
    private final Map<String, String> origins;
    private final ObjectNode out;
    private final Set<String> usedKeys = new HashSet<>();
    private final List<Deployment> deployments = new ArrayList<>();
    private final Map<String, List<Deployment>> groups = new LinkedHashMap<>();
    private final Set<String> written = new HashSet<>();  // every model_name in model_list, translated or not
    private final ObjectNode router;
    private final ObjectNode settings;

    Translation(ObjectNode in, List<String> problems, List<String> warnings, Map<String, String> origins) {
      this.in = in;
      this.problems = problems;
      this.warnings = warnings;
      this.origins = origins;
      this.out = in.deepCopy();
      ROOT_KEYS.forEach(out::remove);
      this.router = object(in, "router_settings");
      this.settings = object(in, "litellm_settings");
    }

    ObjectNode run() {
      ArrayNode providers = nativeProviders();
      deployments(providers);
      targets();
      strategy();
      aliases();
      plugins();
      compatibility();
      otherSettings();
      return out;
    }

    // ---- model_list ----

    /** The native providers array to append to, or null when model_list brings no providers. */
    ArrayNode nativeProviders() {
      for (String block : List.of("providers", "virtual_keys")) {
        JsonNode list = out.get(block);
        if (list instanceof ArrayNode array) {
          array.forEach(p -> {
            if (p.path("key").isTextual()) {
              usedKeys.add(p.path("key").asText());
            }
          });
        }
      }
      JsonNode modelList = in.get("model_list");
      if (modelList == null || modelList.isNull()) {
        return null;  // no model_list: providers stay as written, or come from the environment
      }
      if (!modelList.isArray()) {
        problem("model_list", "expected a list, got " + NodeReader.describe(modelList));
        return null;
      }
      if (modelList.isEmpty()) {
        warn("model_list", "is empty; providers come from the providers block or the environment");
        return null;
      }
      JsonNode existing = out.get("providers");
      if (existing == null || existing.isNull()) {
        return out.putArray("providers");
      }
      if (!existing.isArray()) {
        return null;  // the validator reports the providers block itself
      }
      return (ArrayNode) existing;
    }

    void deployments(ArrayNode providers) {
      if (providers == null) {
        return;
      }
      JsonNode list = in.get("model_list");
      for (int i = 0; i < list.size(); i++) {
        deployment(list.get(i), "model_list[" + i + "]", providers);
      }
    }

    void deployment(JsonNode node, String path, ArrayNode providers) {
      if (!(node instanceof ObjectNode deployment)) {
        problem(path, "expected an object, got " + NodeReader.describe(node));
        return;
      }
      for (Iterator<String> it = deployment.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!DEPLOYMENT_KEYS.contains(key)) {
          warn(path + "." + key, "is not a LiteLLM deployment field this version reads; ignored");
        }
      }
      int before = problems.size();
      String modelName = text(deployment, "model_name", path, true);
      if (modelName != null) {
        written.add(modelName);
      }
      JsonNode rawParams = deployment.get("litellm_params");
      String paramsPath = path + ".litellm_params";
      if (rawParams == null || rawParams.isNull()) {
        problem(paramsPath, "is required");
        return;
      }
      if (!(rawParams instanceof ObjectNode)) {
        problem(paramsPath, "expected an object, got " + NodeReader.describe(rawParams));
        return;
      }
      ObjectNode params = rawParams.deepCopy();
      environmentReferences(params, paramsPath);
      String model = text(params, "model", paramsPath, true);
      String customProvider = text(params, "custom_llm_provider", paramsPath, false);
      if (model == null) {
        return;
      }

      // Which provider, and which model id goes upstream.
      String prefix;
      String modelId;
      String prefixPath = paramsPath + (customProvider != null ? ".custom_llm_provider" : ".model");
      if (customProvider != null) {
        prefix = customProvider;
        modelId = model.startsWith(customProvider + "/") ? model.substring(customProvider.length() + 1) : model;
      } else if (model.indexOf('/') > 0) {
        prefix = model.substring(0, model.indexOf('/'));
        modelId = model.substring(model.indexOf('/') + 1);
      } else if (ProviderType.OPENAI.servesByDefault(model, false)) {
        prefix = "openai";
        modelId = model;
      } else if (ProviderType.ANTHROPIC.servesByDefault(model, false)) {
        prefix = "anthropic";
        modelId = model;
      } else {
        problem(paramsPath + ".model", "\"" + model + "\" names no provider (expected: a provider prefix, as in "
            + "openai/" + model + " or anthropic/" + model + ")");
        return;
      }
      prefix = prefix.toLowerCase(Locale.ROOT);
      String type = providerFor(prefix);
      if (type == null) {
        String shown = customProvider != null ? customProvider : model;
        problem(prefixPath, "\"" + shown + "\" uses provider \"" + prefix + "\", which this version does not "
            + "support (expected: " + expectedPrefixes() + ")");
        return;
      }
      if (prefix.equals("bedrock") && modelId.startsWith("converse/")) {
        modelId = modelId.substring("converse/".length());  // LiteLLM's route to the Converse API, ours anyway
      }
      if (modelId.isBlank()) {
        problem(paramsPath + ".model", "\"" + model + "\" names no model after the provider prefix");
        return;
      }
      Preset preset = Presets.find(type).orElse(null);
      boolean needsBase = OPENAI_COMPATIBLE.contains(prefix) || preset != null && preset.baseUrl() == null;
      String baseField = params.has("api_base") ? "api_base" : "base_url";
      if (params.has("api_base") && params.has("base_url")) {
        problem(paramsPath, "give api_base or base_url, not both");
      }
      if (needsBase && !params.hasNonNull(baseField)) {
        problem(paramsPath + ".api_base", "is required for \"" + model + "\" (an OpenAI-compatible server)");
      }

      // Wildcards: only "*" routing every model to a "<provider>/*" deployment.
      boolean wildcard = false;
      if (modelName != null && (modelName.contains("*") || modelId.contains("*"))) {
        if (modelName.equals("*") && modelId.equals("*")) {
          wildcard = true;
        } else if (modelName.equals("*")) {
          problem(paramsPath + ".model", "model_name \"*\" needs a wildcard model such as " + prefix
              + "/* (got \"" + model + "\")");
        } else {
          problem(path + ".model_name", "\"" + modelName + "\" with model \"" + model + "\": wildcards other than "
              + "'*' are not supported yet");
        }
      }

      Integer maxRetries = wholeNumber(params, "max_retries", paramsPath, 0, MAX_RETRIES);
      for (String limit : List.of("rpm", "tpm")) {
        if (params.has(limit)) {
          warn(paramsPath + "." + limit, "is not enforced per deployment yet, nor used as a load-balancing weight "
              + "(give weight instead)");
        }
      }
      if (params.has("stream_timeout")) {
        warn(paramsPath + ".stream_timeout", "is not supported yet; the deployment's timeout applies to streams");
      }
      for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!PARAMS_HANDLED.contains(key)) {
          warn(paramsPath + "." + key, "is not supported yet; ignored");
        }
      }
      if (modelName == null || problems.size() > before) {
        return;
      }

      String key = uniqueKey(modelName, prefix);
      String providerPath = "providers[" + providers.size() + "]";
      ObjectNode provider = providers.addObject().put("key", key).put("provider", type);
      origins.put(providerPath, paramsPath);
      origins.put(providerPath + ".key", path + ".model_name");
      origins.put(providerPath + ".provider", paramsPath + ".model");
      if (params.hasNonNull("api_key")) {
        provider.set("api_key", params.get("api_key"));
      } else if (KEY_FROM_VARIABLE.contains(prefix)) {
        // LiteLLM reads the provider's usual variable when a deployment names no key.
        provider.put("api_key", "${" + prefix.toUpperCase(Locale.ROOT) + "_API_KEY}");
      }
      // Other kinds and presets: the loader reads <P>_API_KEY itself, and names it when missing.
      Map<String, String> own = NATIVE_PARAMS.getOrDefault(type, Map.of());
      for (String param : NATIVE_PARAMS.values().stream().flatMap(m -> m.keySet().stream()).toList()) {
        if (own.containsKey(param)) {
          copy(params, param, provider, own.get(param), paramsPath, providerPath);
        } else if (params.has(param)) {
          warn(paramsPath + "." + param, "is not supported yet; ignored");
        }
      }
      copy(params, baseField, provider, "base_url", paramsPath, providerPath);
      if (preset != null && preset.name().equals("ollama") && provider.path("base_url").isTextual()
          && !provider.path("base_url").asText().replaceAll("/+$", "").endsWith("/v1")) {
        // LiteLLM's ollama api_base is the server's root; its OpenAI-compatible API is under /v1.
        provider.put("base_url", provider.path("base_url").asText().replaceAll("/+$", "") + "/v1");
      }
      copy(params, "extra_headers", provider, "headers", paramsPath, providerPath);
      copy(params, "timeout", provider, "timeout", paramsPath, providerPath);
      tls(params, provider, paramsPath, providerPath);

      ObjectNode target = JSON.objectNode().put("virtual_key", key);
      if (params.has("weight")) {
        target.set("weight", params.get("weight"));
      }
      if (wildcard) {
        target.putArray("models").add("*");
      } else {
        target.putObject("model_map").put(modelName, modelId);
        // A deployment serves its own model only, as in LiteLLM, not its provider's whole family.
        provider.putArray("models").add(modelId);
      }
      if (maxRetries != null) {
        target.putObject("retry").put("attempts", maxRetries + 1);
      }
      Deployment d = new Deployment(path, modelName, key,
          ProviderType.parse(type).orElse(ProviderType.OPENAI_COMPATIBLE), modelId,
          wildcard, target, maxRetries != null);
      deployments.add(d);
      if (!wildcard) {
        groups.computeIfAbsent(modelName, n -> new ArrayList<>()).add(d);
      }
    }

    /**
     * LiteLLM's {@code ssl_verify} (false, or a CA bundle's path) and {@code ssl_certificate} (a client
     * certificate, its key in the same file or not) as a {@code tls} block. A CA bundle is trusted here in
     * addition to the JDK's CAs, where LiteLLM trusts it alone.
     */
    void tls(ObjectNode params, ObjectNode provider, String paramsPath, String providerPath) {
      JsonNode verify = params.get("ssl_verify");
      JsonNode certificate = params.get("ssl_certificate");
      ObjectNode tls = JSON.objectNode();
      String at = providerPath + ".tls";
      if (verify != null && !verify.isNull()) {
        if (verify.isBoolean() || verify.isTextual() && verify.asText().matches("(?i)true|false")) {
          if (!Boolean.parseBoolean(verify.asText().toLowerCase(Locale.ROOT))) {
            tls.put("insecure", true);
            origins.put(at + ".insecure", paramsPath + ".ssl_verify");
          }
        } else if (verify.isTextual() && !verify.asText().isBlank()) {
          tls.set("ca_file", verify);
          origins.put(at + ".ca_file", paramsPath + ".ssl_verify");
        } else {
          problem(paramsPath + ".ssl_verify", "expected true, false or a CA bundle's path, got "
              + NodeReader.describe(verify));
        }
      }
      if (certificate != null && !certificate.isNull()) {
        tls.set("cert_file", certificate);
        origins.put(at + ".cert_file", paramsPath + ".ssl_certificate");
      }
      if (!tls.isEmpty()) {
        provider.set("tls", tls);
        origins.put(at, paramsPath);
      }
    }

    /** {@code os.environ/VAR} anywhere in litellm_params becomes {@code ${VAR}}, resolved by the loader. */
    void environmentReferences(JsonNode node, String path) {
      if (node instanceof ObjectNode object) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String at = path + "." + e.getKey();
          if (e.getValue().isTextual()) {
            e.setValue(environmentReference(e.getValue(), at));
          } else {
            environmentReferences(e.getValue(), at);
          }
        }
      } else if (node instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          if (array.get(i).isTextual()) {
            array.set(i, environmentReference(array.get(i), path + "[" + i + "]"));
          } else {
            environmentReferences(array.get(i), path + "[" + i + "]");
          }
        }
      }
    }

    JsonNode environmentReference(JsonNode value, String path) {
      var m = OS_ENVIRON.matcher(value.asText());
      if (!m.matches()) {
        return value;
      }
      if (!ENV_NAME.matcher(m.group(1)).matches()) {
        problem(path, "\"" + value.asText() + "\" does not name an environment variable (expected: "
            + "os.environ/NAME, with letters, digits and '_')");
        return value;
      }
      return new TextNode("${" + m.group(1) + "}");
    }

    String uniqueKey(String modelName, String prefix) {
      String slug = NOT_KEY_CHARS.matcher(modelName).replaceAll("-").replaceAll("^[^A-Za-z0-9]+|-+$", "");
      String base = slug.isEmpty() ? prefix.replace('_', '-') : slug;
      String key = base;
      for (int n = 2; !usedKeys.add(key); n++) {
        key = base + "-" + n;
      }
      return key;
    }

    void copy(ObjectNode from, String field, ObjectNode to, String as, String fromPath, String toPath) {
      JsonNode value = from.get(field);
      if (value != null && !value.isNull()) {
        to.set(as, value);
        origins.put(toPath + "." + as, fromPath + "." + field);
      }
    }

    // ---- targets: deployments, then fallbacks, then wildcards ----

    void targets() {
      if (deployments.isEmpty()) {
        for (String setting : List.of("num_retries", "retry_after", "timeout", "request_timeout")) {
          String where = router.has(setting) ? "router_settings" : settings.has(setting) ? "litellm_settings" : null;
          if (where != null && !in.has("model_list")) {
            warn(where + "." + setting, "not applied: there is no model_list, so providers come from the "
                + "environment with default settings");
          }
        }
        fallbacks();  // still checked, so a fallback naming nothing is reported
        return;
      }
      ArrayNode targets = nativeTargets();
      Setting retries = setting("num_retries");
      Integer attempts = retries == null ? LITELLM_DEFAULT_RETRIES + 1
          : wholeNumber(retries.parent(), "num_retries", retries.where(), 0, MAX_RETRIES) instanceof Integer n
              ? n + 1 : null;
      Setting retryAfter = setting("retry_after");
      Integer backoffMs = null;
      if (retryAfter != null) {
        Double seconds = new NodeReader().number(retryAfter.parent(), "retry_after", retryAfter.where(), null, 0);
        if (seconds == null) {
          problem(retryAfter.path(), "expected a number of seconds >= 0, got "
              + NodeReader.describe(retryAfter.value()));
        } else {
          backoffMs = (int) Math.round(seconds * 1000);
        }
      }
      for (Deployment d : deployments) {
        if (!d.ownRetries() && attempts != null) {
          d.target().putObject("retry").put("attempts", attempts);
        }
        if (backoffMs != null) {
          ObjectNode retry = d.target().has("retry") ? (ObjectNode) d.target().get("retry")
              : d.target().putObject("retry");
          retry.put("initial_backoff_ms", backoffMs).put("max_backoff_ms", Math.max(backoffMs, 5_000));
        }
      }
      Setting timeout = router.hasNonNull("timeout") ? new Setting("router_settings", "timeout", router)
          : setting("request_timeout");
      if (router.hasNonNull("timeout") && settings.hasNonNull("request_timeout")) {
        warn("litellm_settings.request_timeout", "overridden by router_settings.timeout");
      }
      if (timeout != null && out.get("providers") instanceof ArrayNode providers) {
        for (int i = 0; i < providers.size(); i++) {
          if (providers.get(i) instanceof ObjectNode p && !p.has("timeout") && isDerived(p)) {
            p.set("timeout", timeout.value());
            origins.put("providers[" + i + "].timeout", timeout.path());
          }
        }
      }

      List<Deployment> ordered = deployments.stream().filter(d -> !d.wildcard()).toList();
      for (Deployment d : ordered) {
        add(targets, d.target(), d.path());
      }
      // A fallback group already placed after its primary (and after earlier fallbacks) just maps the primary
      // too; otherwise it gets dedicated targets at the end, so a fallback is never tried before the primary.
      Map<String, Integer> reached = new HashMap<>();
      Set<String> atEnd = new HashSet<>();
      for (Fallback f : fallbacks()) {
        List<Deployment> group = groups.get(f.group());
        int after = reached.computeIfAbsent(f.primary(), p -> last(ordered, groups.get(p)));
        if (!atEnd.contains(f.primary()) && first(ordered, group) > after) {
          group.forEach(d -> ((ObjectNode) d.target().get("model_map")).put(f.primary(), d.modelId()));
          reached.put(f.primary(), last(ordered, group));
          continue;
        }
        atEnd.add(f.primary());
        for (Deployment d : group) {
          ObjectNode t = d.target().deepCopy();
          // Only the fallback route: the deployment's provider lists its model, so the copy serves nothing else.
          t.putObject("model_map").put(f.primary(), d.modelId());
          add(targets, t, f.path());
        }
      }
      for (Deployment d : deployments) {
        if (d.wildcard()) {
          add(targets, d.target(), d.path());
        }
      }
    }

    static int first(List<Deployment> ordered, List<Deployment> group) {
      return group.stream().mapToInt(ordered::indexOf).min().orElseThrow();
    }

    static int last(List<Deployment> ordered, List<Deployment> group) {
      return group.stream().mapToInt(ordered::indexOf).max().orElseThrow();
    }

    boolean isDerived(ObjectNode provider) {
      return deployments.stream().anyMatch(d -> d.providerKey().equals(provider.path("key").asText()));
    }

    void add(ArrayNode targets, ObjectNode target, String from) {
      String at = "targets[" + targets.size() + "]";
      targets.add(target);
      origins.put(at, from);
      if (from.startsWith("model_list")) {
        origins.put(at + ".weight", from + ".litellm_params.weight");
      }
    }

    /** The native targets array; with no targets block, every native provider first becomes one, as it would. */
    ArrayNode nativeTargets() {
      JsonNode existing = out.get("targets");
      if (existing instanceof ArrayNode array) {
        return array;
      }
      if (existing != null && !existing.isNull()) {
        problem("targets", "expected a list to which model_list can add, got " + NodeReader.describe(existing));
        return JSON.arrayNode();
      }
      ArrayNode targets = out.putArray("targets");
      Set<String> derived = new HashSet<>();
      deployments.forEach(d -> derived.add(d.providerKey()));
      for (String block : List.of("providers", "virtual_keys")) {
        if (out.get(block) instanceof ArrayNode list) {
          for (JsonNode p : list) {
            String key = p.path("key").asText("");
            if (p.path("key").isTextual() && !derived.contains(key)) {
              targets.addObject().put("virtual_key", key);
            }
          }
        }
      }
      return targets;
    }

    /** Primary model_name {@code primary} falls back to group {@code group}, as written at {@code path}. */
    record Fallback(String primary, String group, String path) {}

    /**
     * The fallbacks of router_settings and litellm_settings, in order, each name checked against model_list;
     * {@code default_fallbacks} apply to every group without fallbacks of its own.
     */
    List<Fallback> fallbacks() {
      List<Fallback> out = new ArrayList<>();
      Set<String> pairs = new HashSet<>();
      Set<String> withOwn = new HashSet<>();
      for (Setting s : both("fallbacks")) {
        JsonNode list = s.value();
        if (!list.isArray()) {
          problem(s.path(), "expected a list of {model_name: [fallback model_names]}, got " + NodeReader.describe(list));
          continue;
        }
        for (int i = 0; i < list.size(); i++) {
          String at = s.path() + "[" + i + "]";
          if (!(list.get(i) instanceof ObjectNode entry)) {
            problem(at, "expected {model_name: [fallback model_names]}, got " + NodeReader.describe(list.get(i)));
            continue;
          }
          for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String primary = e.getKey();
            boolean known = knownGroup(primary, at + "." + primary, "");
            withOwn.add(primary);
            for (String group : names(e.getValue(), at + "." + primary)) {
              if (knownGroup(group, at + "." + primary, " (a fallback)") && known && !group.equals(primary)
                  && pairs.add(primary + "\n" + group)) {
                out.add(new Fallback(primary, group, at));
              }
            }
          }
        }
      }
      for (Setting s : both("default_fallbacks")) {
        List<String> defaults = names(s.value(), s.path());
        defaults.removeIf(g -> !knownGroup(g, s.path(), " (a fallback)"));
        for (String primary : groups.keySet()) {
          if (withOwn.contains(primary) || defaults.contains(primary)) {
            continue;
          }
          for (String group : defaults) {
            if (pairs.add(primary + "\n" + group)) {
              out.add(new Fallback(primary, group, s.path()));
            }
          }
        }
      }
      return out;
    }

    List<Setting> both(String field) {
      List<Setting> out = new ArrayList<>();
      if (router.hasNonNull(field)) {
        out.add(new Setting("router_settings", field, router));
      }
      if (settings.hasNonNull(field)) {
        out.add(new Setting("litellm_settings", field, settings));
      }
      return out;
    }

    boolean knownGroup(String name, String path, String role) {
      if (groups.containsKey(name)) {
        return true;
      }
      if (!written.contains(name)) {  // a group written but not translated has its own problem already
        problem(path, "\"" + name + "\"" + role + " names no model_name in model_list");
      }
      return false;
    }

    List<String> names(JsonNode node, String path) {
      List<String> out = new ArrayList<>();
      if (node != null && node.isTextual()) {
        out.add(node.asText());
      } else if (node != null && node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          if (node.get(i).isTextual()) {
            out.add(node.get(i).asText());
          } else {
            problem(path + "[" + i + "]", "expected a model_name, got " + NodeReader.describe(node.get(i)));
          }
        }
      } else {
        problem(path, "expected a list of model_names, got " + NodeReader.describe(node));
      }
      return out;
    }

    // ---- strategy, aliases, plugins, compatibility ----

    void strategy() {
      boolean fallbacks = router.hasNonNull("fallbacks") || settings.hasNonNull("fallbacks")
          || router.hasNonNull("default_fallbacks") || settings.hasNonNull("default_fallbacks");
      boolean severalDeployments = groups.values().stream().anyMatch(g -> g.size() > 1);
      String mode = null;
      String from = null;
      JsonNode routing = router.get("routing_strategy");
      if (routing != null && !routing.isNull()) {
        from = "router_settings.routing_strategy";
        String name = routing.asText().toLowerCase(Locale.ROOT);
        if (!routing.isTextual()) {
          problem(from, "expected a string, got " + NodeReader.describe(routing));
        } else if (LOADBALANCE_STRATEGIES.contains(name) || PASSED_THROUGH_STRATEGIES.containsKey(name)) {
          // Within a model group LiteLLM applies the strategy; across groups, fallbacks are ordered.
          mode = fallbacks ? "fallback" : PASSED_THROUGH_STRATEGIES.getOrDefault(name, "loadbalance");
          if (fallbacks && severalDeployments) {
            warn(from, "\"" + routing.asText() + "\" with fallbacks: deployments sharing a model_name are tried "
                + "in model_list order (ordered fallback), not by the routing strategy");
          } else if (name.startsWith("usage-based-routing") && !fallbacks) {
            warn(from, "\"" + routing.asText() + "\" is approximated by weighted random load balancing");
          }
        } else {
          problem(from, "\"" + routing.asText() + "\" is not a LiteLLM routing strategy (expected: simple-shuffle, "
              + "least-busy, usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing)");
        }
      } else if (fallbacks) {
        mode = "fallback";
        from = router.hasNonNull("fallbacks") || router.hasNonNull("default_fallbacks")
            ? "router_settings.fallbacks" : "litellm_settings.fallbacks";
        if (severalDeployments) {
          warn(from, "deployments sharing a model_name are tried in model_list order (ordered fallback), "
              + "not load-balanced");
        }
      } else if (!deployments.isEmpty()) {
        mode = severalDeployments ? "loadbalance" : "fallback";
      }
      if (mode == null) {
        return;
      }
      JsonNode existing = out.get("strategy");
      if (existing != null && !existing.isNull()) {
        String nativeMode = existing.path("mode").asText("");
        if (from != null && !nativeMode.equalsIgnoreCase(mode)) {
          problem(from, "means strategy mode \"" + mode + "\", which conflicts with strategy.mode \"" + nativeMode
              + "\" in the same file (expected: one of the two)");
        }
        return;  // an explicit native strategy wins over the one inferred from model_list
      }
      out.putObject("strategy").put("mode", mode);
      if (from != null) {
        origins.put("strategy.mode", from);
      }
    }

    void aliases() {
      JsonNode aliases = router.get("model_group_alias");
      String path = "router_settings.model_group_alias";
      if (aliases == null || aliases.isNull()) {
        return;
      }
      if (!(aliases instanceof ObjectNode map)) {
        problem(path, "expected a map of alias: model_name, got " + NodeReader.describe(aliases));
        return;
      }
      JsonNode existing = out.get("aliases");
      if (existing != null && !existing.isNull() && !existing.isObject()) {
        return;  // the validator reports it
      }
      ObjectNode target = existing == null || existing.isNull() ? out.putObject("aliases") : (ObjectNode) existing;
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path + "." + e.getKey();
        JsonNode value = e.getValue();
        // Newer LiteLLM also accepts {model: name, hidden: bool}.
        if (value.isObject()) {
          if (value.has("hidden")) {
            warn(at + ".hidden", "is not supported yet; the alias is listed in /v1/models");
          }
          value = value.get("model");
        }
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
          problem(at, "expected a model_name, got " + NodeReader.describe(e.getValue()));
          continue;
        }
        JsonNode already = target.get(e.getKey());
        if (already != null && !already.asText().equals(value.asText())) {
          problem(at, "\"" + value.asText() + "\" conflicts with aliases." + e.getKey() + " \"" + already.asText()
              + "\" in the same file");
          continue;
        }
        target.put(e.getKey(), value.asText());
      }
    }

    void plugins() {
      List<Map.Entry<String, ObjectNode>> derived = new ArrayList<>();
      rateLimit(derived);
      cache(derived);
      if (derived.isEmpty()) {
        return;
      }
      JsonNode existing = out.get("plugins");
      if (existing != null && !existing.isNull() && !existing.isArray()) {
        return;  // the validator reports it
      }
      ArrayNode plugins = existing == null || existing.isNull() ? out.putArray("plugins") : (ArrayNode) existing;
      for (Map.Entry<String, ObjectNode> d : derived) {
        String name = d.getValue().get("name").asText();
        JsonNode same = null;
        for (JsonNode p : plugins) {
          if (p.path("name").asText().equals(name)) {
            same = p;
          }
        }
        if (same == null) {
          origins.put("plugins[" + plugins.size() + "]", d.getKey());
          plugins.add(d.getValue());
        } else if (!samePlugin(same, d.getValue())) {
          // A file holding both the LiteLLM setting and the same plugin, identical, loads (as in the guide).
          problem(d.getKey(), "would configure plugin \"" + name + "\", which the plugins block also configures, "
              + "differently (expected: one of the two)");
        }
      }
    }

    void rateLimit(List<Map.Entry<String, ObjectNode>> derived) {
      if (router.has("tpm_limit")) {
        warn("router_settings.tpm_limit", "is not enforced: the rate-limit plugin counts requests, not tokens");
      }
      if (!router.has("rpm_limit")) {
        return;
      }
      Double rpm = new NodeReader().number(router, "rpm_limit", "router_settings", null, 0);
      if (rpm == null || rpm == 0) {
        problem("router_settings.rpm_limit", "expected a number of requests per minute > 0, got "
            + NodeReader.describe(router.get("rpm_limit")));
        return;
      }
      ObjectNode plugin = plugin("rate-limit", "ratelimit");
      plugin.putObject("config")
          .put("requests_per_second", Math.round(rpm / 60 * 100) / 100.0)
          .put("burst", Math.max(1, Math.round(rpm / 5)));
      derived.add(Map.entry("router_settings.rpm_limit", plugin));
    }

    void cache(List<Map.Entry<String, ObjectNode>> derived) {
      JsonNode cache = settings.get("cache");
      JsonNode params = settings.get("cache_params");
      if (cache == null || cache.isNull() || (cache.isBoolean() && !cache.asBoolean())) {
        if (params != null && !params.isNull()) {
          warn("litellm_settings.cache_params", "ignored: cache is not true");
        }
        return;
      }
      if (!cache.isBoolean()) {
        problem("litellm_settings.cache", "expected true or false, got " + NodeReader.describe(cache));
        return;
      }
      int maxAge = DEFAULT_CACHE_SECONDS;
      if (params != null && !params.isNull()) {
        if (!params.isObject()) {
          problem("litellm_settings.cache_params", "expected an object, got " + NodeReader.describe(params));
          return;
        }
        Integer ttl = wholeNumber(params, "ttl", "litellm_settings.cache_params", 1, Integer.MAX_VALUE);
        maxAge = ttl == null ? maxAge : ttl;
        String type = params.path("type").asText("local");
        if (!type.equals("local")) {
          warn("litellm_settings.cache_params.type", "\"" + type + "\": responses are cached in memory, in this "
              + "process; the " + type + " settings are not used");
        } else {
          Set<String> ignored = new LinkedHashSet<>();
          params.fieldNames().forEachRemaining(ignored::add);
          ignored.removeAll(Set.of("type", "ttl"));
          if (!ignored.isEmpty()) {
            warn("litellm_settings.cache_params", "not supported yet, ignored: " + String.join(", ", ignored));
          }
        }
      }
      ObjectNode plugin = plugin("response-cache", "transform");
      plugin.putObject("config").put("max_age", maxAge).put("max_entries", DEFAULT_CACHE_ENTRIES);
      derived.add(Map.entry("litellm_settings.cache", plugin));
    }

    static ObjectNode plugin(String name, String type) {
      return JSON.objectNode().put("name", name).put("type", type).put("stage", "before_request")
          .put("enabled", true);
    }

    /** Same plugin once the validator's defaults are applied; numbers compare by value (1.67 == 1.670). */
    static boolean samePlugin(JsonNode a, JsonNode b) {
      Comparator<JsonNode> byValue = (x, y) -> x.isNumber() && y.isNumber()
          ? Double.compare(x.doubleValue(), y.doubleValue()) : (x.equals(y) ? 0 : 1);
      return a.path("type").asText("").equals(b.path("type").asText(""))
          && a.path("stage").asText("before_request").equals(b.path("stage").asText("before_request"))
          && a.path("enabled").asBoolean(true) == b.path("enabled").asBoolean(true)
          && a.path("config").equals(byValue, b.path("config"));
    }

    void compatibility() {
      JsonNode drop = settings.get("drop_params");
      if (drop == null || drop.isNull() || (drop.isBoolean() && !drop.asBoolean())) {
        return;
      }
      if (!drop.isBoolean()) {
        problem("litellm_settings.drop_params", "expected true or false, got " + NodeReader.describe(drop));
        return;
      }
      JsonNode existing = out.get("compatibility");
      if (existing == null || existing.isNull()) {
        out.putObject("compatibility").put("on_unsupported_param", "drop");
      } else if (existing instanceof ObjectNode c) {
        JsonNode policy = c.get("on_unsupported_param");
        if (policy == null || policy.isNull()) {
          c.put("on_unsupported_param", "drop");
        } else if (!policy.asText().equalsIgnoreCase("drop")) {
          problem("litellm_settings.drop_params", "true conflicts with compatibility.on_unsupported_param \""
              + policy.asText() + "\" in the same file (expected: one of the two)");
        }
      }
    }

    // ---- everything else: accepted, not acted on ----

    void otherSettings() {
      Set<String> routerHandled = Set.of("routing_strategy", "fallbacks", "default_fallbacks", "num_retries",
          "timeout", "retry_after", "rpm_limit", "tpm_limit", "model_group_alias");
      for (Iterator<String> it = router.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!routerHandled.contains(key)) {
          warn("router_settings." + key, "is not supported yet; ignored");
        }
      }
      Set<String> settingsHandled = Set.of("cache", "cache_params", "drop_params", "num_retries", "request_timeout",
          "fallbacks", "default_fallbacks");
      for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (CALLBACK_KEYS.contains(key)) {
          warn("litellm_settings." + key, "callbacks are not supported (" + callbackNames(e.getValue())
              + " not called); use the request-logger plugin for request logs");
        } else if (!settingsHandled.contains(key) && !SILENT_SETTINGS.contains(key)) {
          warn("litellm_settings." + key, "is not supported yet; ignored");
        }
      }
      if (router.has("num_retries") && settings.has("num_retries")) {
        warn("litellm_settings.num_retries", "overridden by router_settings.num_retries");
      }
      JsonNode general = in.get("general_settings");
      if (general instanceof ObjectNode g) {
        for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          if (key.equals("master_key")) {
            // Clients authenticate with it, as with LiteLLM's proxy; os.environ/NAME reads the environment.
            ObjectNode server = out.get("server") instanceof ObjectNode o ? o : out.putObject("server");
            server.set("master_key", environmentReference(g.get(key), "general_settings.master_key"));
            origins.put("server.master_key", "general_settings.master_key");
          } else {
            warn("general_settings." + key, "is not supported yet; ignored");
          }
        }
      } else if (general != null && !general.isNull()) {
        problem("general_settings", "expected an object, got " + NodeReader.describe(general));
      }
      JsonNode environment = in.get("environment_variables");
      if (environment instanceof ObjectNode e && !e.isEmpty()) {
        warn("environment_variables", "are not exported; Switchboard reads the real environment ("
            + String.join(", ", iterable(e.fieldNames())) + ")");
      } else if (environment != null && !environment.isNull() && !environment.isObject()) {
        problem("environment_variables", "expected an object, got " + NodeReader.describe(environment));
      }
      for (String section : List.of("router_settings", "litellm_settings")) {
        JsonNode node = in.get(section);
        if (node != null && !node.isNull() && !node.isObject()) {
          problem(section, "expected an object, got " + NodeReader.describe(node));
        }
      }
    }

    static String callbackNames(JsonNode value) {
      if (value.isArray()) {
        List<String> names = new ArrayList<>();
        value.forEach(v -> names.add(v.asText()));
        return String.join(", ", names);
      }
      return value.asText();
    }

    static List<String> iterable(Iterator<String> it) {
      List<String> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    }

    // ---- helpers ----

    /** A router-wide setting, looked up in router_settings first (which LiteLLM gives precedence), then litellm_settings. */
    record Setting(String where, String field, ObjectNode parent) {
      JsonNode value() {
        return parent.get(field);
      }

      String path() {
        return where + "." + field;
      }
    }

    Setting setting(String field) {
      if (router.hasNonNull(field)) {
        return new Setting("router_settings", field, router);
      }
      return settings.hasNonNull(field) ? new Setting("litellm_settings", field, settings) : null;
    }

    ObjectNode object(ObjectNode root, String field) {
      return root.get(field) instanceof ObjectNode o ? o : JSON.objectNode();
    }

    String text(JsonNode parent, String field, String path, boolean required) {
      JsonNode node = parent.get(field);
      if (node == null || node.isNull()) {
        if (required) {
          problem(path + "." + field, "is required");
        }
        return null;
      }
      if (!node.isTextual() || node.asText().isBlank()) {
        problem(path + "." + field, "expected a non-empty string, got " + NodeReader.describe(node));
        return null;
      }
      return node.asText();
    }

    Integer wholeNumber(JsonNode parent, String field, String path, int min, int max) {
      NodeReader reader = new NodeReader();
      Integer value = reader.integer(parent, field, path, null, min, max);
      problems.addAll(reader.problems());
      return value;
    }

    void problem(String path, String message) {
      problems.add(path + ": " + message);
    }

    void warn(String path, String message) {
      warnings.add(path + ": " + message);
    }
  }
}
