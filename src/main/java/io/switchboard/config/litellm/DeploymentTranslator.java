package io.switchboard.config.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.NodeReader;
import io.switchboard.config.Preset;
import io.switchboard.config.Presets;
import io.switchboard.config.ProviderType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import io.switchboard.config.litellm.Translation.Deployment;

/** model_list: each deployment becomes a provider and a target. */
final class DeploymentTranslator {
  /** Servers at an address the deployment must give. */
  static final Set<String> OPENAI_COMPATIBLE = Set.of("openai_like", "custom_openai");
  /** Deployments that read their key from a variable of LiteLLM's naming, written out as ${VAR}. */
  static final Set<String> KEY_FROM_VARIABLE = Set.of("openai", "anthropic");
  /**
   * LiteLLM params of the native kinds, as their providers entries name them (Vertex AI's project and region,
   * AWS credentials, Azure's API version).
   */
  static final Map<String, Map<String, String>> NATIVE_PARAMS = Map.of(
      "vertex-ai", LiteLlmConfig.orderedMap("vertex_project", "project", "vertex_location", "region",
          "vertex_credentials", "credentials"),
      "bedrock", LiteLlmConfig.orderedMap("aws_region_name", "region", "aws_access_key_id", "aws_access_key_id",
          "aws_secret_access_key", "aws_secret_access_key", "aws_session_token", "aws_session_token"),
      "azure", LiteLlmConfig.orderedMap("api_version", "api_version"));
  static final Set<String> DEPLOYMENT_KEYS = Set.of("model_name", "litellm_params", "model_info");
  static final Set<String> PARAMS_HANDLED = LiteLlmConfig.union(Set.of("model", "custom_llm_provider", "api_key",
      "api_base", "base_url", "timeout", "stream_timeout", "rpm", "tpm", "weight", "extra_headers", "max_retries",
      "ssl_verify", "ssl_certificate"),
      NATIVE_PARAMS.values().stream().flatMap(m -> m.keySet().stream()).collect(java.util.stream.Collectors.toSet()));
  static final Pattern NOT_KEY_CHARS = Pattern.compile("[^A-Za-z0-9_.-]+");
  private final Translation t;

  DeploymentTranslator(Translation t) {
    this.t = t;
  }

  /** The native providers array to append to, or null when model_list brings no providers. */
  ArrayNode nativeProviders() {
    for (String block : List.of("providers", "virtual_keys")) {
      JsonNode list = t.out.get(block);
      if (list instanceof ArrayNode array) {
        array.forEach(p -> {
          if (p.path("key").isTextual()) {
            t.usedKeys.add(p.path("key").asText());
          }
        });
      }
    }
    JsonNode modelList = t.in.get("model_list");
    if (modelList == null || modelList.isNull()) {
      return null;  // no model_list: providers stay as written, or come from the environment
    }
    if (!modelList.isArray()) {
      t.problem("model_list", "expected a list, got " + NodeReader.describe(modelList));
      return null;
    }
    if (modelList.isEmpty()) {
      t.warn("model_list", "is empty; providers come from the providers block or the environment");
      return null;
    }
    JsonNode existing = t.out.get("providers");
    if (existing == null || existing.isNull()) {
      return t.out.putArray("providers");
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
    JsonNode list = t.in.get("model_list");
    for (int i = 0; i < list.size(); i++) {
      deployment(list.get(i), "model_list[" + i + "]", providers);
    }
  }

  void deployment(JsonNode node, String path, ArrayNode providers) {
    if (!(node instanceof ObjectNode deployment)) {
      t.problem(path, "expected an object, got " + NodeReader.describe(node));
      return;
    }
    for (Iterator<String> it = deployment.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!DEPLOYMENT_KEYS.contains(key)) {
        t.warn(path + "." + key, "is not a LiteLLM deployment field this version reads; ignored");
      }
    }
    int before = t.problems.size();
    String modelName = t.text(deployment, "model_name", path, true);
    if (modelName != null) {
      t.written.add(modelName);
    }
    JsonNode rawParams = deployment.get("litellm_params");
    String paramsPath = path + ".litellm_params";
    if (rawParams == null || rawParams.isNull()) {
      t.problem(paramsPath, "is required");
      return;
    }
    if (!(rawParams instanceof ObjectNode)) {
      t.problem(paramsPath, "expected an object, got " + NodeReader.describe(rawParams));
      return;
    }
    ObjectNode params = rawParams.deepCopy();
    t.environmentReferences(params, paramsPath);
    String model = t.text(params, "model", paramsPath, true);
    String customProvider = t.text(params, "custom_llm_provider", paramsPath, false);
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
      t.problem(paramsPath + ".model", "\"" + model + "\" names no provider (expected: a provider prefix, as in "
          + "openai/" + model + " or anthropic/" + model + ")");
      return;
    }
    prefix = prefix.toLowerCase(Locale.ROOT);
    String type = LiteLlmConfig.providerFor(prefix);
    if (type == null) {
      String shown = customProvider != null ? customProvider : model;
      t.problem(prefixPath, "\"" + shown + "\" uses provider \"" + prefix + "\", which this version does not "
          + "support (expected: " + LiteLlmConfig.expectedPrefixes() + ")");
      return;
    }
    if (prefix.equals("bedrock") && modelId.startsWith("converse/")) {
      modelId = modelId.substring("converse/".length());  // LiteLLM's route to the Converse API, ours anyway
    }
    if (modelId.isBlank()) {
      t.problem(paramsPath + ".model", "\"" + model + "\" names no model after the provider prefix");
      return;
    }
    Preset preset = Presets.find(type).orElse(null);
    boolean needsBase = OPENAI_COMPATIBLE.contains(prefix) || preset != null && preset.baseUrl() == null;
    String baseField = params.has("api_base") ? "api_base" : "base_url";
    if (params.has("api_base") && params.has("base_url")) {
      t.problem(paramsPath, "give api_base or base_url, not both");
    }
    if (needsBase && !params.hasNonNull(baseField)) {
      t.problem(paramsPath + ".api_base", "is required for \"" + model + "\" (an OpenAI-compatible server)");
    }

    // Wildcards: only "*" routing every model to a "<provider>/*" deployment.
    boolean wildcard = false;
    if (modelName != null && (modelName.contains("*") || modelId.contains("*"))) {
      if (modelName.equals("*") && modelId.equals("*")) {
        wildcard = true;
      } else if (modelName.equals("*")) {
        t.problem(paramsPath + ".model", "model_name \"*\" needs a wildcard model such as " + prefix
            + "/* (got \"" + model + "\")");
      } else {
        t.problem(path + ".model_name", "\"" + modelName + "\" with model \"" + model + "\": wildcards other than "
            + "'*' are not supported yet");
      }
    }

    Integer maxRetries = t.wholeNumber(params, "max_retries", paramsPath, 0, Translation.MAX_RETRIES);
    for (String limit : List.of("rpm", "tpm")) {
      if (params.has(limit)) {
        t.warn(paramsPath + "." + limit, "is not enforced per deployment yet, nor used as a load-balancing weight "
            + "(give weight instead)");
      }
    }
    if (params.has("stream_timeout")) {
      t.warn(paramsPath + ".stream_timeout", "is not supported yet; the deployment's timeout applies to streams");
    }
    for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!PARAMS_HANDLED.contains(key)) {
        t.warn(paramsPath + "." + key, "is not supported yet; ignored");
      }
    }
    if (modelName == null || t.problems.size() > before) {
      return;
    }

    String key = uniqueKey(modelName, prefix);
    String providerPath = "providers[" + providers.size() + "]";
    ObjectNode provider = providers.addObject().put("key", key).put("provider", type);
    t.origins.put(providerPath, paramsPath);
    t.origins.put(providerPath + ".key", path + ".model_name");
    t.origins.put(providerPath + ".provider", paramsPath + ".model");
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
        t.copy(params, param, provider, own.get(param), paramsPath, providerPath);
      } else if (params.has(param)) {
        t.warn(paramsPath + "." + param, "is not supported yet; ignored");
      }
    }
    t.copy(params, baseField, provider, "base_url", paramsPath, providerPath);
    if (preset != null && preset.name().equals("ollama") && provider.path("base_url").isTextual()
        && !provider.path("base_url").asText().replaceAll("/+$", "").endsWith("/v1")) {
      // LiteLLM's ollama api_base is the server's root; its OpenAI-compatible API is under /v1.
      provider.put("base_url", provider.path("base_url").asText().replaceAll("/+$", "") + "/v1");
    }
    t.copy(params, "extra_headers", provider, "headers", paramsPath, providerPath);
    t.copy(params, "timeout", provider, "timeout", paramsPath, providerPath);
    tls(params, provider, paramsPath, providerPath);

    ObjectNode target = Translation.JSON.objectNode().put("virtual_key", key);
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
    t.deployments.add(d);
    if (!wildcard) {
      t.groups.computeIfAbsent(modelName, n -> new ArrayList<>()).add(d);
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
    ObjectNode tls = Translation.JSON.objectNode();
    String at = providerPath + ".tls";
    if (verify != null && !verify.isNull()) {
      if (verify.isBoolean() || verify.isTextual() && verify.asText().matches("(?i)true|false")) {
        if (!Boolean.parseBoolean(verify.asText().toLowerCase(Locale.ROOT))) {
          tls.put("insecure", true);
          t.origins.put(at + ".insecure", paramsPath + ".ssl_verify");
        }
      } else if (verify.isTextual() && !verify.asText().isBlank()) {
        tls.set("ca_file", verify);
        t.origins.put(at + ".ca_file", paramsPath + ".ssl_verify");
      } else {
        t.problem(paramsPath + ".ssl_verify", "expected true, false or a CA bundle's path, got "
            + NodeReader.describe(verify));
      }
    }
    if (certificate != null && !certificate.isNull()) {
      tls.set("cert_file", certificate);
      t.origins.put(at + ".cert_file", paramsPath + ".ssl_certificate");
    }
    if (!tls.isEmpty()) {
      provider.set("tls", tls);
      t.origins.put(at, paramsPath);
    }
  }

  String uniqueKey(String modelName, String prefix) {
    String slug = NOT_KEY_CHARS.matcher(modelName).replaceAll("-").replaceAll("^[^A-Za-z0-9]+|-+$", "");
    String base = slug.isEmpty() ? prefix.replace('_', '-') : slug;
    String key = base;
    for (int n = 2; !t.usedKeys.add(key); n++) {
      key = base + "-" + n;
    }
    return key;
  }
}
