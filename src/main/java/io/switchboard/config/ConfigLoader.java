package io.switchboard.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.auth.TrustedProxies;
import io.switchboard.config.GatewayConfig.CircuitBreaker;
import io.switchboard.config.GatewayConfig.Concurrency;
import io.switchboard.config.GatewayConfig.Condition;
import io.switchboard.config.GatewayConfig.ContentRule;
import io.switchboard.config.GatewayConfig.Unpriced;
import io.switchboard.config.GatewayConfig.Variant;
import io.switchboard.pricing.ModelPrice;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.config.GatewayConfig.Plugin;
import io.switchboard.plugin.PluginRegistry;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import io.switchboard.provider.ProviderRegistry;
import io.switchboard.config.GatewayConfig.Provider;
import io.switchboard.config.GatewayConfig.Resilience;
import io.switchboard.config.GatewayConfig.Retry;
import io.switchboard.config.GatewayConfig.Access;
import io.switchboard.config.GatewayConfig.Limits;
import io.switchboard.config.GatewayConfig.Server;
import io.switchboard.config.GatewayConfig.State;
import io.switchboard.config.GatewayConfig.Strategy;
import io.switchboard.config.GatewayConfig.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a YAML or JSON config into a {@link GatewayConfig}: substitutes {@code ${VAR}} and
 * {@code ${VAR:-default}} in string values, then validates strictly, reporting every problem at once. A LiteLLM
 * Proxy config is first translated into this format by {@link LiteLlmConfig}.
 */
public final class ConfigLoader {
  public static final String DEFAULT_CONFIG_RESOURCE = "/switchboard-default.yaml";

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  // Duplicate keys are refused: YAML and JSON parsers otherwise keep the last one silently.
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper PRICES = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final Pattern PROVIDER_KEY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]*$");
  private static final Pattern ORIGIN = Pattern.compile("^[a-z][a-z0-9+.-]*://[^/?#\\s]+$");
  private static final Pattern HOST_NAME = Pattern.compile("^(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)$");
  private static final Pattern OPTION_VALUE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]*$");

  private static final Set<String> ROOT_KEYS = Set.of(
      "server", "providers", "virtual_keys", "strategy", "targets", "aliases", "plugins", "compatibility",
      "request_timeout", "circuit_breaker", "context_window_fallback", "state", "pricing_file");
  private static final Set<String> SERVER_KEYS = Set.of("host", "port", "max_body_bytes", "event_loops", "master_key",
      "cors_origins", "allowed_hosts", "max_connections", "max_header_bytes", "max_headers", "header_timeout",
      "body_timeout", "keep_alive_timeout", "shutdown_timeout", "h2c", "trusted_proxies");
  private static final Set<String> PROVIDER_KEYS = Set.of(
      "key", "provider", "api_key", "base_url", "headers", "timeout", "models", "connect_timeout",
      "stream_idle_timeout", "tls", "http2");
  private static final Set<String> STRATEGY_KEYS = Set.of("mode", "failover_on_status_codes", "exploration",
      "expected_output_tokens", "unpriced_strategy", "conditions", "rules", "default", "variants");
  /** Strategy fields that belong to one mode (or two): given with another mode, they are a problem. */
  private static final Map<String, Set<StrategyMode>> STRATEGY_FIELD_MODES = Map.of(
      "exploration", Set.of(StrategyMode.LEAST_LATENCY),
      "expected_output_tokens", Set.of(StrategyMode.COST_OPTIMIZED),
      "unpriced_strategy", Set.of(StrategyMode.COST_OPTIMIZED),
      "conditions", Set.of(StrategyMode.CONDITIONAL),
      "rules", Set.of(StrategyMode.CONTENT_BASED),
      "default", Set.of(StrategyMode.CONDITIONAL, StrategyMode.CONTENT_BASED),
      "variants", Set.of(StrategyMode.AB_TEST));
  private static final Set<String> CONDITION_KEYS = Set.of("query", "then");
  private static final Set<String> RULE_KEYS = Set.of("prompt_contains", "prompt_not_contains", "prompt_regex", "then");
  private static final Set<String> VARIANT_KEYS = Set.of("label", "weight", "targets");
  private static final Set<String> TARGET_KEYS = Set.of("name", "virtual_key", "weight", "retry", "models", "model_map",
      "circuit_breaker", "concurrency", "timeout");
  private static final Set<String> BREAKER_KEYS = Set.of("failure_threshold", "success_threshold", "timeout");
  private static final Set<String> CONCURRENCY_KEYS = Set.of("max_concurrency", "queue_size");
  private static final Set<String> STATE_KEYS = Set.of("backend", "url", "key_prefix");
  private static final Set<String> RETRY_KEYS = Set.of("attempts", "retry_on_status", "on_status_codes",
      "initial_backoff_ms", "max_backoff_ms", "max_retry_after_ms");
  private static final Set<String> COMPATIBILITY_KEYS = Set.of("on_unsupported_param");

  private ConfigLoader() {}

  /** The names a providers entry's {@code provider} may take. */
  static String expectedProviders() {
    return ProviderType.expected() + ", or a preset: "
        + String.join(", ", Presets.all().stream().map(Preset::name).toList());
  }

  public static GatewayConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(file + ": no such file"));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot be read (" + NodeReader.cannotRead(e) + ")"));
    }
    return parse(text, env);
  }

  /** The config used when none is given: the built-in mock provider, no API key needed. */
  public static GatewayConfig embeddedDefault() {
    return embeddedDefault(Map.of());
  }

  /** The embedded config, with the environment's server settings ({@code MASTER_KEY}, {@code CORS_ORIGINS}). */
  public static GatewayConfig embeddedDefault(Map<String, String> env) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_CONFIG_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), env);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses YAML or JSON (JSON is read by the YAML parser, of which it is a subset). */
  public static GatewayConfig parse(String text, Map<String, String> env) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String duplicateAt = ParseProblem.duplicateAt(e);
      throw new ConfigException(List.of((duplicateAt == null || duplicateAt.isEmpty() ? "config" : duplicateAt)
          + ": " + ParseProblem.describe(e, "YAML or JSON")));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ConfigException(List.of("config: expected a mapping at the top level, got " + NodeReader.describe(root)));
    }
    NodeReader reader = new NodeReader();
    Map<String, String> origins = new HashMap<>();
    if (LiteLlmConfig.isLiteLlm((ObjectNode) root)) {
      List<String> warnings = new ArrayList<>();
      root = LiteLlmConfig.translate((ObjectNode) root, reader.problems(), warnings, origins);
      if (!warnings.isEmpty()) {
        LOG.warn("LiteLLM config: {} setting(s) accepted but not acted on:\n  {}", warnings.size(),
            String.join("\n  ", warnings.stream().map(Redaction::redactKeys).toList()));
      }
    }
    ReadEnvironment read = new ReadEnvironment(env);
    substitute(root, "", read, reader);
    GatewayConfig config = new Validator(reader, read).read((ObjectNode) root);
    if (!reader.problems().isEmpty()) {
      // Problems in translated LiteLLM settings are reported where the file has them.
      throw new ConfigException(read.scrub(LiteLlmConfig.relocate(reader.problems(), origins)));
    }
    return config;
  }

  /** Replaces {@code ${VAR}} in every string value; a variable that is unset and has no default is a problem. */
  private static void substitute(JsonNode node, String path, Map<String, String> env, NodeReader reader) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = NodeReader.join(path, e.getKey());
        if (e.getValue().isTextual()) {
          e.setValue(new TextNode(expand(e.getValue().asText(), at, env, reader)));
        } else {
          substitute(e.getValue(), at, env, reader);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = path + "[" + i + "]";
        if (array.get(i).isTextual()) {
          array.set(i, new TextNode(expand(array.get(i).asText(), at, env, reader)));
        } else {
          substitute(array.get(i), at, env, reader);
        }
      }
    }
  }

  private static String expand(String value, String path, Map<String, String> env, NodeReader reader) {
    if (value.indexOf("${") < 0) {
      return value;
    }
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String resolved = env.get(m.group(1));
      if (resolved == null || (resolved.isEmpty() && m.group(2) != null)) {
        resolved = m.group(2);
      }
      if (resolved == null) {
        reader.problem(path, "environment variable " + m.group(1) + " is not set (use ${" + m.group(1)
            + ":-default} to give a default)");
        resolved = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** One pass over the tree; every read records its own problems, so validation never stops early. */
  private record Validator(NodeReader r, Map<String, String> env) {

    GatewayConfig read(ObjectNode root) {
      r.onlyKeys(root, "", ROOT_KEYS);
      Server server = server(root.get("server"));
      List<Provider> providers = providers(root);
      StrategyMode mode = strategy(root.get("strategy"));
      Set<Integer> failoverOn = root.path("strategy").isObject()
          ? statuses(root.get("strategy").get("failover_on_status_codes"), "strategy.failover_on_status_codes", Set.of())
          : Set.of();
      CircuitBreaker defaultBreaker = circuitBreaker(root.get("circuit_breaker"), "circuit_breaker", null);
      List<Target> targets = targets(root.get("targets"), providers, defaultBreaker);
      if (root.get("targets") == null) {
        // No targets block: every provider is a target, in the order given.
        for (Provider p : providers) {
          targets.add(new Target(p.key(), p.key(), 1, Retry.NONE, List.of(), Map.of(), defaultBreaker, null, null));
        }
      }
      Resilience resilience = resilience(root, targets);
      if (mode == null) {
        mode = root.get("strategy") == null ? StrategyMode.FALLBACK : StrategyMode.SINGLE;
      }
      if (mode == StrategyMode.LOADBALANCE && !targets.isEmpty()
          && targets.stream().mapToInt(Target::weight).sum() == 0) {
        r.problem("targets", "every weight is 0 (expected: at least one target with weight > 0 for loadbalance)");
      }
      Map<String, String> aliases = aliases(root);
      List<Plugin> plugins = new PluginListReader(r).read(root.get("plugins"));
      UnsupportedParamPolicy policy = compatibility(root.get("compatibility"));
      Strategy strategy = strategyOptions(root.get("strategy"), mode, failoverOn, targets);
      PriceCatalog prices = prices(root);
      return new GatewayConfig(server, providers, strategy, targets, aliases, plugins, policy, resilience, prices);
    }

    Server server(JsonNode node) {
      int port = 8080;
      String host = null;
      long maxBody = Server.DEFAULT_MAX_BODY_BYTES;
      int eventLoops = Server.DEFAULT_EVENT_LOOPS;
      Limits limits = Limits.DEFAULT;
      Duration shutdown = Server.DEFAULT_SHUTDOWN_TIMEOUT;
      boolean h2c = false;
      boolean given = r.isObject(node, "server");
      JsonNode s = given ? node : YAML.createObjectNode();
      if (given) {
        r.onlyKeys(node, "server", SERVER_KEYS);
        port = r.integer(node, "port", "server", port, 0, 65535);
        host = r.string(node, "host", "server", false);
        maxBody = r.integer(node, "max_body_bytes", "server", (int) maxBody, 1024, Integer.MAX_VALUE);
        eventLoops = r.integer(node, "event_loops", "server", eventLoops, 1, 1024);
        limits = new Limits(
            r.integer(node, "max_connections", "server", limits.maxConnections(), 1, 1_000_000),
            r.integer(node, "max_header_bytes", "server", limits.maxHeaderBytes(), 1024, 1024 * 1024),
            r.integer(node, "max_headers", "server", limits.maxHeaders(), 8, 10_000),
            r.duration(node, "header_timeout", "server", limits.headerTimeout()),
            r.duration(node, "body_timeout", "server", limits.bodyTimeout()),
            r.duration(node, "keep_alive_timeout", "server", limits.keepAliveTimeout()));
        shutdown = r.duration(node, "shutdown_timeout", "server", shutdown);
        h2c = r.bool(node, "h2c", "server", false);
      }
      Access access = access(s);
      if (host == null) {
        // Nobody off this host without a key: an open relay spends the provider keys.
        host = access.authenticates() || access.allowUnauthenticated() ? "0.0.0.0" : "127.0.0.1";
      }
      return new Server(host, port, maxBody, eventLoops, access, limits, shutdown, h2c);
    }

    /** {@code MASTER_KEY}, {@code CORS_ORIGINS}, {@code ALLOW_UNAUTHENTICATED_PROXY}, {@code GATEWAY_ENV}: Ferro's names. */
    Access access(JsonNode node) {
      String key = r.string(node, "master_key", "server", false);
      String keyAt = "server.master_key";
      if (key == null && env.get("MASTER_KEY") != null) {
        key = env.get("MASTER_KEY");
        keyAt = "MASTER_KEY";
      }
      boolean production = "production".equalsIgnoreCase(env.getOrDefault("GATEWAY_ENV", "").trim());
      String allow = env.getOrDefault("ALLOW_UNAUTHENTICATED_PROXY", "").trim();
      boolean unauthenticated = allow.equalsIgnoreCase("true") || allow.equals("1");
      Secret masterKey = null;
      if (key != null) {
        String trimmed = key.strip();
        if (trimmed.isEmpty()) {
          r.problem(keyAt, "is empty (expected: a key of at least 16 characters, or leave it unset)");
        } else if (!trimmed.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
          r.problem(keyAt, "contains a space or a control or non-ASCII character (expected: printable ASCII)");
        } else if (trimmed.length() < 16 && production) {
          r.problem(keyAt, "is shorter than 16 characters, which GATEWAY_ENV=production refuses");
        } else {
          if (trimmed.length() < 16) {
            LOG.warn("{} is shorter than 16 characters: guessable; use a long random key", keyAt);
          }
          masterKey = new Secret(trimmed);
        }
      }
      if (unauthenticated && production) {
        r.problem("ALLOW_UNAUTHENTICATED_PROXY", "true is refused when GATEWAY_ENV=production (expected: a "
            + "MASTER_KEY)");
      }
      List<String> origins = node.has("cors_origins") ? r.stringList(node, "cors_origins", "server")
          : commaList(env.get("CORS_ORIGINS"));
      String originsAt = node.has("cors_origins") ? "server.cors_origins" : "CORS_ORIGINS";
      for (String origin : origins) {
        if (origin.equals("*")) {
          if (production) {
            r.problem(originsAt, "\"*\" is refused when GATEWAY_ENV=production: origins are matched literally, "
                + "so it allows no browser origin (expected: each origin, such as https://app.example.com)");
          } else {
            LOG.warn("{}: \"*\" is matched literally and allows no browser origin; list each origin", originsAt);
          }
        } else if (!origin.equals("null") && !ORIGIN.matcher(origin).matches()) {
          r.problem(originsAt, "an entry is not an origin (expected: scheme://host[:port], no path)");
        }
      }
      List<String> hosts = node.has("allowed_hosts") ? r.stringList(node, "allowed_hosts", "server") : List.of();
      for (String h : hosts) {
        if (!HOST_NAME.matcher(h).matches()) {
          r.problem("server.allowed_hosts", "an entry is not a host name (expected: a name or address, no port)");
        }
      }
      List<String> proxies = node.has("trusted_proxies") ? r.stringList(node, "trusted_proxies", "server")
          : env.get("TRUSTED_PROXIES") != null ? commaList(env.get("TRUSTED_PROXIES")) : TrustedProxies.DEFAULT;
      try {
        TrustedProxies.of(proxies);
      } catch (IllegalArgumentException e) {
        r.problem(node.has("trusted_proxies") ? "server.trusted_proxies" : "TRUSTED_PROXIES", e.getMessage()
            + " (expected: addresses or CIDR ranges, such as 10.0.0.0/8)");
        proxies = TrustedProxies.DEFAULT;
      }
      return new Access(masterKey, unauthenticated, production, origins,
          hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), proxies);
    }

    private static List<String> commaList(String value) {
      if (value == null || value.isBlank()) {
        return List.of();
      }
      return Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    List<Provider> providers(ObjectNode root) {
      List<Provider> out = new ArrayList<>();
      boolean declared = false;
      for (String block : List.of("providers", "virtual_keys")) {
        JsonNode list = root.get(block);
        if (list == null || list.isNull()) {
          continue;
        }
        declared = true;
        if (!r.isArray(list, block)) {
          continue;
        }
        for (int i = 0; i < list.size(); i++) {
          Provider p = provider(list.get(i), block + "[" + i + "]");
          if (p != null) {
            out.add(p);
          }
        }
      }
      if (!declared) {
        out.addAll(providersFromEnvironment());
        if (out.isEmpty()) {
          r.problem("providers", "no providers configured and none found in the environment (expected: a "
              + "providers block, or a provider's variables set, such as OPENAI_API_KEY or ANTHROPIC_API_KEY)");
        }
      } else if (out.isEmpty() && r.problems().isEmpty()) {
        r.problem("providers", "is empty (expected: at least one provider)");
      }
      // Checked on the raw entries, so a duplicate is reported even when one of its twins is invalid.
      Set<String> seen = new HashSet<>();
      for (String block : List.of("providers", "virtual_keys")) {
        JsonNode list = root.get(block);
        if (list != null && list.isArray()) {
          for (JsonNode entry : list) {
            String key = entry.path("key").asText("");
            if (!key.isEmpty() && !seen.add(key)) {
              r.problem("providers", "key \"" + key + "\" is used twice (expected: unique keys)");
            }
          }
        }
      }
      return out;
    }

    Provider provider(JsonNode node, String path) {
      if (!r.isObject(node, path)) {
        if (node == null || node.isNull()) {
          r.problem(path, "expected an object, got null");
        }
        return null;
      }
      String key = r.string(node, "key", path, true);
      if (key != null && !PROVIDER_KEY.matcher(key).matches()) {
        r.problem(path + ".key", "is not a valid key (expected: letters, digits, '_', '.', '-')");
      }
      String typeName = r.string(node, "provider", path, false);
      if (typeName == null && key != null && (ProviderType.parse(key).isPresent() || Presets.find(key).isPresent())) {
        typeName = key;  // `key: openai` alone names its own type
      }
      ProviderType type = null;
      Preset preset = null;
      if (typeName == null) {
        if (!node.has("provider")) {
          r.problem(path + ".provider", "is required (expected one of: " + expectedProviders() + ")");
        }
      } else {
        type = ProviderType.parse(typeName).orElse(null);
        preset = type == null ? Presets.find(typeName).orElse(null) : null;
        if (preset != null) {
          type = ProviderType.OPENAI_COMPATIBLE;
        } else if (type == null) {
          r.problem(path + ".provider", "is not a provider type (expected: "
              + expectedProviders() + ")");
        } else if (ProviderRegistry.kind(type).isEmpty()) {
          r.problem(path + ".provider", "\"" + typeName + "\" is not supported by this build yet");
          type = null;
        }
      }
      ProviderRegistry.Kind kind = type == null ? null : ProviderRegistry.kind(type).orElseThrow();
      Set<String> allowed = new HashSet<>(PROVIDER_KEYS);
      if (kind != null) {
        allowed.addAll(kind.optionKeys());
      }
      r.onlyKeys(node, path, allowed);
      if (type == ProviderType.OPENAI_COMPATIBLE) {
        // The per-account fields belong to the presets that have them.
        for (String option : Presets.optionNames()) {
          if (node.has(option) && (preset == null || !preset.options().containsKey(option))) {
            r.problem(path + "." + option, "is not read by provider " + typeName + (preset == null
                ? " (it belongs to a preset: " + presetsWith(option) + ")" : ""));
          }
        }
      }
      String envPrefix = preset != null ? preset.envPrefix() : type == null ? null : type.envPrefix();
      ProviderEntry entry = new ProviderEntry(r, node, path, env);
      // As the providers' own SDKs do: <P>_API_KEY and <P>_BASE_URL stand in for absent fields.
      List<String> keyEnv = preset != null ? preset.apiKeyEnv() : type == null ? List.of() : type.apiKeyEnv();
      Secret apiKey = entry.secret("api_key", keyEnv);
      boolean keyRequired = preset != null ? preset.keyRequired() : type != null && type.needsApiKey();
      if (keyRequired && apiKey == null) {
        r.problem(path + ".api_key", "is required for provider " + typeName
            + (keyEnv.isEmpty() ? "" : " (or set " + String.join(" or ", keyEnv) + ")"));
      }
      String baseUrl = baseUrl(node, path);
      // A blank base_url counts as absent; an unusable one was reported and gets no stand-in.
      boolean baseGiven = node.hasNonNull("base_url") && !node.get("base_url").asText().isBlank();
      List<String> baseUrlEnv = preset != null ? preset.baseUrlEnv()
          : envPrefix == null ? List.of() : List.of(envPrefix + "_BASE_URL");
      String baseUrlVar = baseGiven ? null
          : baseUrlEnv.stream().filter(n -> !env.getOrDefault(n, "").isBlank()).findFirst().orElse(null);
      if (baseUrl == null && baseUrlVar != null) {
        baseUrl = checkUrl(env.get(baseUrlVar), path + ".base_url (from " + baseUrlVar + ")");
      }
      if (baseUrl != null && (preset != null || type != null)) {
        // A bare host gets the provider's version segment; a versioned path is the API root as given.
        baseUrl = (preset != null ? preset.apiRoot() : type.apiRoot()).resolve(baseUrl);
      }
      if (baseUrl == null && !baseGiven) {
        baseUrl = preset != null ? presetBaseUrl(preset, entry, typeName, path)
            : type == null ? null : type.defaultBaseUrl();
        boolean reported = r.problems().stream().anyMatch(p -> p.startsWith(path + ".base_url:"));
        if (baseUrl == null && type == ProviderType.OPENAI_COMPATIBLE && !reported
            && (preset == null || preset.baseUrl() == null)) {
          r.problem(path + ".base_url", "is required for provider " + typeName
              + (baseUrlEnv.isEmpty() ? "" : " (or set " + String.join(" or ", baseUrlEnv) + ")"));
        }
      }
      Map<String, String> headers = r.stringMap(node, "headers", path);
      headers.forEach((name, value) -> {
        // Values are sent as they are, on every request; a bad one would fail them all.
        String problem = HttpText.nameProblem(name);
        if (problem != null) {
          r.problem(path + ".headers", problem);
        } else if ((problem = HttpText.valueProblem(value)) != null) {
          r.problem(path + ".headers." + name, problem);
        }
      });
      Duration timeout = r.duration(node, "timeout", path, Provider.DEFAULT_TIMEOUT);
      List<String> models = r.stringList(node, "models", path);
      Duration connectTimeout = r.duration(node, "connect_timeout", path, Provider.DEFAULT_CONNECT_TIMEOUT);
      Duration streamIdle = r.duration(node, "stream_idle_timeout", path, timeout);
      ProviderOptions options = kind == null ? null : kind.options().read(entry);
      GatewayConfig.Tls tls = new TlsReader(r).read(node, path);
      if (tls != null && !tls.isNone() && Provider.plainHttp(baseUrl)) {
        r.problem(path + ".tls", "is given for an http base_url (expected: an https base_url)");
      }
      boolean http2 = r.bool(node, "http2", path, false);
      if (key == null || type == null || options == null) {
        return null;
      }
      return new Provider(key, type, apiKey == null ? new Secret("") : apiKey, baseUrl, headers, timeout, models,
          connectTimeout, streamIdle, preset, options, tls, http2);
    }

    /**
     * A preset's API root with its {@code {option}} placeholders filled from the entry's fields or their
     * variables; null (after naming each missing field) when one has no value.
     */
    String presetBaseUrl(Preset preset, ProviderEntry entry, String typeName, String path) {
      if (preset.baseUrl() == null) {
        return null;
      }
      Matcher m = Presets.PLACEHOLDER.matcher(preset.baseUrl());
      StringBuilder out = new StringBuilder();
      boolean complete = true;
      while (m.find()) {
        String option = m.group(1);
        List<String> envNames = preset.options().get(option);
        String value = entry.setting(option, envNames);
        String part = value == null ? null : optionValue(value);
        if (value == null) {
          List<String> urlEnv = preset.environment().baseUrlEnv();
          r.problem(path + "." + option, "is required for provider " + typeName + " (or set "
              + String.join(" or ", envNames) + ", or give base_url"
              + (urlEnv.isEmpty() ? "" : " or " + String.join(" or ", urlEnv)) + ")");
          complete = false;
        } else if (part == null) {
          r.problem(path + "." + option, "is not a valid " + option
              + " (expected: letters, digits, '.', '_', '-')");
          complete = false;
        } else {
          m.appendReplacement(out, Matcher.quoteReplacement(part));
        }
      }
      if (!complete) {
        return null;
      }
      m.appendTail(out);
      return checkUrl(out.toString(), path + ".base_url");
    }

    /**
     * A per-account part of a URL (an account id, a workspace host) or null: never a path, port, user or
     * query, so no value can move the request to another host or path. A workspace given as a URL is accepted.
     */
    static String optionValue(String raw) {
      String value = raw.strip();
      if (value.startsWith("https://")) {
        value = value.substring("https://".length());
      }
      while (value.endsWith("/")) {
        value = value.substring(0, value.length() - 1);
      }
      return OPTION_VALUE.matcher(value).matches() && !value.contains("..") ? value : null;
    }

    static String presetsWith(String option) {
      return String.join(", ", Presets.all().stream().filter(p -> p.options().containsKey(option))
          .map(Preset::name).toList());
    }

    String baseUrl(JsonNode node, String path) {
      String raw = r.string(node, "base_url", path, false);
      return raw == null || raw.isBlank() ? null : checkUrl(raw, path + ".base_url");
    }

    /** A base URL without its trailing slashes, or null after recording why it is unusable (never quoting it). */
    String checkUrl(String raw, String where) {
      String control = HttpText.urlProblem(raw.strip());
      if (control != null) {
        r.problem(where, control);
        return null;
      }
      String url = raw.strip();
      while (url.endsWith("/")) {
        url = url.substring(0, url.length() - 1);
      }
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
          r.problem(where, "is not an http(s) URL with a host");
          return null;
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
          r.problem(where, "must not have a query or fragment");
          return null;
        }
      } catch (Exception e) {
        r.problem(where, "is not a valid URL");
        return null;
      }
      return url;
    }

    /** With no providers block: every kind and preset whose environment variables are set. */
    List<Provider> providersFromEnvironment() {
      List<ObjectNode> entries = new ArrayList<>();
      for (ProviderType type : ProviderType.values()) {
        ProviderRegistry.kind(type).flatMap(k -> k.fromEnvironment().apply(env)).ifPresent(entries::add);
      }
      for (Preset preset : Presets.all()) {
        // Only the preset's registering variables: a GITHUB_TOKEN or HF_TOKEN that happens to be set must not
        // add a provider.
        if (preset.registeredBy(env)) {
          entries.add(YAML.createObjectNode().put("key", preset.name()).put("provider", preset.name()));
        }
      }
      List<Provider> out = new ArrayList<>();
      for (ObjectNode entry : entries) {
        Provider p = provider(entry, "environment (" + entry.path("key").asText() + ")");
        if (p != null) {
          out.add(p);
        }
      }
      return out;
    }

    StrategyMode strategy(JsonNode node) {
      if (!r.isObject(node, "strategy")) {
        return null;
      }
      r.onlyKeys(node, "strategy", STRATEGY_KEYS);
      String name = r.string(node, "mode", "strategy", true);
      if (name == null) {
        return null;
      }
      String normalized = name.toLowerCase(Locale.ROOT);
      return StrategyMode.parse(normalized).orElseGet(() -> {
        r.problem("strategy.mode", "\"" + name + "\" is not a mode (expected: " + StrategyMode.expected() + ")");
        return null;
      });
    }

    /** The strategy fields beyond mode; each belongs to one mode, and is a problem with any other. */
    Strategy strategyOptions(JsonNode node, StrategyMode mode, Set<Integer> failoverOn, List<Target> targets) {
      Strategy defaults = new Strategy(mode, failoverOn);
      if (node == null || !node.isObject()
          || StrategyMode.parse(node.path("mode").asText("").toLowerCase(Locale.ROOT)).isEmpty()) {
        return defaults;  // no mode, or a bad one already reported
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        Set<StrategyMode> modes = STRATEGY_FIELD_MODES.get(field);
        if (modes != null && !modes.contains(mode)) {
          r.problem("strategy." + field, "does not apply to mode " + mode.configName() + " (expected with: "
              + String.join(", ", modes.stream().map(StrategyMode::configName).sorted().toList()) + ")");
        }
      }
      double exploration = r.number(node, "exploration", "strategy", Strategy.DEFAULT_EXPLORATION, 0.0);
      if (exploration > 1) {
        r.problem("strategy.exploration", exploration + " is out of range (expected: 0 to 1)");
        exploration = Strategy.DEFAULT_EXPLORATION;
      }
      int expectedOutput = r.integer(node, "expected_output_tokens", "strategy",
          Strategy.DEFAULT_EXPECTED_OUTPUT_TOKENS, 0, 10_000_000);
      Unpriced unpriced = Unpriced.LAST;
      String unpricedName = r.string(node, "unpriced_strategy", "strategy", false);
      if (unpricedName != null) {
        switch (unpricedName.toLowerCase(Locale.ROOT)) {
          case "last" -> unpriced = Unpriced.LAST;
          case "first" -> unpriced = Unpriced.FIRST;
          case "exclude" -> unpriced = Unpriced.EXCLUDE;
          default -> r.problem("strategy.unpriced_strategy", "\"" + unpricedName
              + "\" is not a choice (expected: last, first, exclude)");
        }
      }
      List<Condition> conditions = new ArrayList<>();
      if (mode == StrategyMode.CONDITIONAL && nonEmptyList(node.get("conditions"), "strategy.conditions")) {
        for (int i = 0; i < node.get("conditions").size(); i++) {
          Condition c = condition(node.get("conditions").get(i), "strategy.conditions[" + i + "]", targets);
          if (c != null) {
            conditions.add(c);
          }
        }
      }
      List<ContentRule> rules = new ArrayList<>();
      if (mode == StrategyMode.CONTENT_BASED && nonEmptyList(node.get("rules"), "strategy.rules")) {
        for (int i = 0; i < node.get("rules").size(); i++) {
          ContentRule rule = contentRule(node.get("rules").get(i), "strategy.rules[" + i + "]", targets);
          if (rule != null) {
            rules.add(rule);
          }
        }
      }
      List<String> defaultTargets = node.has("default") && !node.get("default").isNull()
          ? targetRefs(node.get("default"), "strategy.default", targets) : List.of();
      List<Variant> variants = new ArrayList<>();
      if (mode == StrategyMode.AB_TEST && nonEmptyList(node.get("variants"), "strategy.variants")) {
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < node.get("variants").size(); i++) {
          Variant v = variant(node.get("variants").get(i), "strategy.variants[" + i + "]", targets);
          if (v != null && !labels.add(v.label())) {
            r.problem("strategy.variants[" + i + "].label", "\"" + v.label() + "\" is used twice (expected: unique labels)");
          } else if (v != null) {
            variants.add(v);
          }
        }
        if (!variants.isEmpty() && variants.stream().mapToInt(Variant::weight).sum() == 0) {
          r.problem("strategy.variants", "every weight is 0 (expected: at least one variant with weight > 0)");
        }
      }
      return new Strategy(mode, failoverOn, exploration, expectedOutput, unpriced, conditions, rules, defaultTargets,
          variants);
    }

    /** True for a non-empty list; a missing, empty or wrong-typed one is a problem. */
    boolean nonEmptyList(JsonNode node, String path) {
      if (node == null || node.isNull()) {
        r.problem(path, "is required for this mode");
        return false;
      }
      if (!r.isArray(node, path)) {
        return false;
      }
      if (node.isEmpty()) {
        r.problem(path, "is empty (expected: at least one entry)");
        return false;
      }
      return true;
    }

    Condition condition(JsonNode node, String path, List<Target> targets) {
      if (!r.isObject(node, path)) {
        if (node == null || node.isNull()) {
          r.problem(path, "expected an object, got null");
        }
        return null;
      }
      r.onlyKeys(node, path, CONDITION_KEYS);
      RequestQuery query = query(node.get("query"), path + ".query");
      List<String> then = targetRefs(node.get("then"), path + ".then", targets);
      return query == null || then.isEmpty() ? null : new Condition(query, then);
    }

    /** A query object: field conditions and $and / $or, all of which must hold. */
    RequestQuery query(JsonNode node, String path) {
      if (node == null || node.isNull()) {
        r.problem(path, "is required");
        return null;
      }
      if (!node.isObject()) {
        r.problem(path, "expected an object of field conditions, got " + NodeReader.describe(node));
        return null;
      }
      if (node.isEmpty()) {
        r.problem(path, "is empty (expected: at least one field, $and or $or)");
        return null;
      }
      List<RequestQuery> parts = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        JsonNode value = e.getValue();
        String at = path + "." + key;
        if (key.equals("$and") || key.equals("$or")) {
          if (!value.isArray() || value.isEmpty()) {
            r.problem(at, "expected a non-empty list of queries, got " + NodeReader.describe(value));
            continue;
          }
          List<RequestQuery> subs = new ArrayList<>();
          for (int i = 0; i < value.size(); i++) {
            RequestQuery q = query(value.get(i), at + "[" + i + "]");
            if (q != null) {
              subs.add(q);
            }
          }
          parts.add(key.equals("$and") ? new RequestQuery.All(subs) : new RequestQuery.Any(subs));
        } else if (key.startsWith("$")) {
          r.problem(at, "\"" + key + "\" is not a combinator here (expected: $and, $or, or a field)");
        } else {
          RequestQuery.Field field = queryField(key, at);
          if (value.isObject() && !value.isEmpty() && allOperators(value)) {
            for (Iterator<Map.Entry<String, JsonNode>> ops = value.fields(); ops.hasNext(); ) {
              Map.Entry<String, JsonNode> op = ops.next();
              RequestQuery.Test test = test(field, op.getKey(), op.getValue(), at + "." + op.getKey());
              if (test != null) {
                parts.add(test);
              }
            }
          } else if (value.isContainerNode()) {
            r.problem(at, "expected a value or an object of operators ($eq, $in, ...), got " + NodeReader.describe(value));
          } else if (field != null) {
            parts.add(new RequestQuery.Test(field, RequestQuery.Operator.EQ, value, null));
          }
        }
      }
      return parts.size() == 1 ? parts.getFirst() : new RequestQuery.All(parts);
    }

    static boolean allOperators(JsonNode object) {
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        if (!it.next().startsWith("$")) {
          return false;
        }
      }
      return true;
    }

    RequestQuery.Field queryField(String key, String path) {
      return switch (key) {
        case "model" -> new RequestQuery.Field(RequestQuery.Kind.MODEL, List.of());
        case "user" -> new RequestQuery.Field(RequestQuery.Kind.USER, List.of());
        case "stream" -> new RequestQuery.Field(RequestQuery.Kind.STREAM, List.of());
        case "has_tools" -> new RequestQuery.Field(RequestQuery.Kind.HAS_TOOLS, List.of());
        default -> {
          if (key.startsWith("metadata.") && key.length() > "metadata.".length()) {
            yield new RequestQuery.Field(RequestQuery.Kind.METADATA, List.of(key.substring("metadata.".length())));
          }
          if (key.startsWith("params.") && key.length() > "params.".length()
              && !List.of(key.substring("params.".length()).split("\\.", -1)).contains("")) {
            yield new RequestQuery.Field(RequestQuery.Kind.PARAMS,
                List.of(key.substring("params.".length()).split("\\.")));
          }
          r.problem(path, "unknown field (expected: model, user, stream, has_tools, metadata.<key>, "
              + "params.<body field>)");
          yield null;
        }
      };
    }

    RequestQuery.Test test(RequestQuery.Field field, String opKey, JsonNode operand, String path) {
      RequestQuery.Operator op = RequestQuery.Operator.parse(opKey);
      if (op == null) {
        r.problem(path, "\"" + opKey + "\" is not an operator (expected: " + String.join(", ",
            java.util.Arrays.stream(RequestQuery.Operator.values()).map(RequestQuery.Operator::key).toList()) + ")");
        return null;
      }
      java.util.regex.Pattern pattern = null;
      String expected = switch (op) {
        case EQ, NE -> operand.isContainerNode() ? "a string, number, boolean or null" : null;
        case IN, NIN -> operand.isArray() && java.util.stream.StreamSupport.stream(operand.spliterator(), false)
            .noneMatch(JsonNode::isContainerNode) ? null : "a list of values";
        case GT, GTE, LT, LTE -> operand.isNumber() ? null : "a number";
        case EXISTS -> operand.isBoolean() ? null : "true or false";
        case PREFIX -> operand.isTextual() ? null : "a string";
        case REGEX -> {
          if (!operand.isTextual()) {
            yield "a string";
          }
          try {
            pattern = java.util.regex.Pattern.compile(operand.asText());
            yield null;
          } catch (PatternSyntaxException e) {
            r.problem(path, "\"" + operand.asText() + "\" is not a valid regular expression (" + e.getDescription() + ")");
            yield "";
          }
        }
      };
      if (expected != null) {
        if (!expected.isEmpty()) {
          r.problem(path, NodeReader.describe(operand) + " is not a valid operand (expected: " + expected + ")");
        }
        return null;
      }
      return field == null ? null : new RequestQuery.Test(field, op, operand, pattern);
    }

    ContentRule contentRule(JsonNode node, String path, List<Target> targets) {
      if (!r.isObject(node, path)) {
        if (node == null || node.isNull()) {
          r.problem(path, "expected an object, got null");
        }
        return null;
      }
      r.onlyKeys(node, path, RULE_KEYS);
      List<String> contains = r.stringList(node, "prompt_contains", path).stream()
          .map(s -> s.toLowerCase(Locale.ROOT)).toList();
      List<String> notContains = r.stringList(node, "prompt_not_contains", path).stream()
          .map(s -> s.toLowerCase(Locale.ROOT)).toList();
      String regexText = r.string(node, "prompt_regex", path, false);
      Pattern regex = null;
      if (regexText != null) {
        try {
          regex = Pattern.compile(regexText);
        } catch (PatternSyntaxException e) {
          r.problem(path + ".prompt_regex", "\"" + regexText + "\" is not a valid regular expression ("
              + e.getDescription() + ")");
        }
      }
      if (!node.has("prompt_contains") && !node.has("prompt_not_contains") && !node.has("prompt_regex")) {
        r.problem(path, "has no test (expected: prompt_contains, prompt_not_contains or prompt_regex)");
      }
      List<String> then = targetRefs(node.get("then"), path + ".then", targets);
      return then.isEmpty() ? null : new ContentRule(contains, notContains, regex, then);
    }

    Variant variant(JsonNode node, String path, List<Target> targets) {
      if (!r.isObject(node, path)) {
        if (node == null || node.isNull()) {
          r.problem(path, "expected an object, got null");
        }
        return null;
      }
      r.onlyKeys(node, path, VARIANT_KEYS);
      String label = r.string(node, "label", path, true);
      int weight = r.integer(node, "weight", path, 1, 0, 1_000_000);
      List<String> then = targetRefs(node.get("targets"), path + ".targets", targets);
      return label == null || then.isEmpty() ? null : new Variant(label, weight, then);
    }

    /**
     * One target reference or a list of them, resolved to target ids: a reference is a target's id (its
     * name, or its provider key when unnamed), or a provider key, which stands for all of its targets.
     */
    List<String> targetRefs(JsonNode node, String path, List<Target> targets) {
      List<String> out = new ArrayList<>();
      if (node == null || node.isNull()) {
        r.problem(path, "is required (expected: a target name, or a list of them)");
        return out;
      }
      if (!node.isTextual() && !node.isArray()) {
        r.problem(path, "expected a target name or a list of them, got " + NodeReader.describe(node));
        return out;
      }
      if (node.isArray() && node.isEmpty()) {
        r.problem(path, "is empty (expected: at least one target)");
        return out;
      }
      List<JsonNode> refs = new ArrayList<>();
      node.forEach(refs::add);
      if (node.isTextual()) {
        refs = List.of(node);
      }
      for (int i = 0; i < refs.size(); i++) {
        String at = node.isArray() ? path + "[" + i + "]" : path;
        JsonNode ref = refs.get(i);
        if (!ref.isTextual() || ref.asText().isBlank()) {
          r.problem(at, "expected a target name, got " + NodeReader.describe(ref));
          continue;
        }
        String name = ref.asText();
        List<String> ids = targets.stream().map(Target::id).filter(name::equals).toList();
        if (ids.isEmpty()) {
          ids = targets.stream().filter(t -> t.virtualKey().equals(name)).map(Target::id).toList();
        }
        if (ids.isEmpty()) {
          r.problem(at, "\"" + name + "\" names no target (expected one of: "
              + String.join(", ", targets.stream().map(Target::id).toList()) + ")");
        }
        ids.stream().filter(id -> !out.contains(id)).forEach(out::add);
      }
      return out;
    }

    /** The built-in price catalog, extended and overridden by {@code pricing_file} when given. */
    PriceCatalog prices(ObjectNode root) {
      String file = r.string(root, "pricing_file", "", false);
      if (file == null || file.isBlank()) {
        return PriceCatalog.builtIn();
      }
      JsonNode tree;
      try {
        tree = PRICES.readTree(Files.readString(Path.of(file), StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        r.problem("pricing_file", "\"" + file + "\": no such file");
        return PriceCatalog.builtIn();
      } catch (JsonProcessingException e) {
        String duplicateAt = ParseProblem.duplicateAt(e);
        r.problem("pricing_file", "\"" + file + "\"" + (duplicateAt == null ? " is "
            : duplicateAt.isEmpty() ? " has a " : " has at " + duplicateAt + " a ") + ParseProblem.describe(e, "JSON"));
        return PriceCatalog.builtIn();
      } catch (IOException | java.nio.file.InvalidPathException e) {
        r.problem("pricing_file", "\"" + file + "\" cannot be read (" + NodeReader.cannotRead(e) + ")");
        return PriceCatalog.builtIn();
      }
      List<String> problems = new ArrayList<>();
      Map<String, ModelPrice> entries = PriceCatalog.parse(tree, problems);
      problems.forEach(p -> r.problem("pricing_file", file + ": " + p));
      return PriceCatalog.builtIn().with(entries);
    }

    List<Target> targets(JsonNode list, List<Provider> providers, CircuitBreaker defaultBreaker) {
      List<Target> out = new ArrayList<>();
      if (!r.isArray(list, "targets")) {
        return out;
      }
      if (list.isEmpty()) {
        r.problem("targets", "is empty (expected: at least one target, or no targets block to use every provider)");
      }
      Set<String> keys = new HashSet<>();
      providers.forEach(p -> keys.add(p.key()));
      for (int i = 0; i < list.size(); i++) {
        String path = "targets[" + i + "]";
        JsonNode node = list.get(i);
        if (!r.isObject(node, path)) {
          if (node == null || node.isNull()) {
            r.problem(path, "expected an object, got null");
          }
          continue;
        }
        r.onlyKeys(node, path, TARGET_KEYS);
        String vk = r.string(node, "virtual_key", path, true);
        if (vk != null && !keys.isEmpty() && !keys.contains(vk)) {
          r.problem(path + ".virtual_key", "\"" + vk + "\" names no provider (expected one of: "
              + String.join(", ", providers.stream().map(Provider::key).toList()) + ")");
        }
        String name = r.string(node, "name", path, false);
        if (name != null && !PROVIDER_KEY.matcher(name).matches()) {
          r.problem(path + ".name", "\"" + name + "\" is not a valid name (expected: letters, digits, '_', '.', '-')");
        }
        int weight = r.integer(node, "weight", path, 1, 0, 1_000_000);
        Retry retry = retry(node.get("retry"), path + ".retry");
        List<String> models = r.stringList(node, "models", path);
        Map<String, String> modelMap = r.stringMap(node, "model_map", path);
        CircuitBreaker breaker = circuitBreaker(node.get("circuit_breaker"), path + ".circuit_breaker", defaultBreaker);
        Concurrency concurrency = concurrency(node.get("concurrency"), path + ".concurrency");
        Duration timeout = r.duration(node, "timeout", path, null);
        if (vk != null) {
          out.add(new Target(name, vk, weight, retry, models, modelMap, breaker, concurrency, timeout));
        }
      }
      return withIds(out);
    }

    /** Named targets keep their name; the others take their provider key, numbered when it repeats. */
    List<Target> withIds(List<Target> targets) {
      Map<String, Integer> uses = new HashMap<>();
      targets.forEach(t -> uses.merge(t.id() != null ? t.id() : t.virtualKey(), 1, Integer::sum));
      Map<String, Integer> seen = new HashMap<>();
      List<Target> out = new ArrayList<>(targets.size());
      for (int i = 0; i < targets.size(); i++) {
        Target t = targets.get(i);
        String id = t.id();
        if (id != null) {
          if (uses.get(id) > 1 && seen.merge(id, 1, Integer::sum) == 1) {
            r.problem("targets[" + i + "].name", "\"" + id + "\" names more than one target (expected: unique names)");
          }
        } else {
          id = uses.get(t.virtualKey()) > 1 ? t.virtualKey() + "#" + seen.merge(t.virtualKey(), 1, Integer::sum)
              : t.virtualKey();
        }
        out.add(t.withId(id));
      }
      return out;
    }

    /** A breaker block; {@code fallback} (the top-level default, or null for none) when absent. */
    CircuitBreaker circuitBreaker(JsonNode node, String path, CircuitBreaker fallback) {
      if (!r.isObject(node, path)) {
        return fallback;
      }
      r.onlyKeys(node, path, BREAKER_KEYS);
      CircuitBreaker d = CircuitBreaker.DEFAULT;
      int failures = r.integer(node, "failure_threshold", path, d.failureThreshold(), 1, 1_000_000);
      int successes = r.integer(node, "success_threshold", path, d.successThreshold(), 1, 1_000_000);
      Duration openFor = r.duration(node, "timeout", path, d.openFor());
      return new CircuitBreaker(failures, successes, openFor);
    }

    Concurrency concurrency(JsonNode node, String path) {
      if (!r.isObject(node, path)) {
        return null;
      }
      r.onlyKeys(node, path, CONCURRENCY_KEYS);
      Integer max = r.integer(node, "max_concurrency", path, null, 1, 1_000_000);
      if (max == null && !node.has("max_concurrency")) {
        r.problem(path + ".max_concurrency", "is required");
      }
      int queue = r.integer(node, "queue_size", path, 0, 0, 1_000_000);
      return max == null ? null : new Concurrency(max, queue);
    }

    Resilience resilience(ObjectNode root, List<Target> targets) {
      Duration requestTimeout = r.duration(root, "request_timeout", "", Resilience.DEFAULT_REQUEST_TIMEOUT);
      String fallback = r.string(root, "context_window_fallback", "", false);
      if (fallback != null && !targets.isEmpty() && targets.stream().noneMatch(t -> t.id().equals(fallback))) {
        r.problem("context_window_fallback", "\"" + fallback + "\" names no target (expected one of: "
            + String.join(", ", targets.stream().map(Target::id).toList()) + ")");
      }
      return new Resilience(requestTimeout, fallback, state(root.get("state")));
    }

    State state(JsonNode node) {
      if (!r.isObject(node, "state")) {
        return State.MEMORY;
      }
      r.onlyKeys(node, "state", STATE_KEYS);
      String backendName = r.string(node, "backend", "state", false);
      State.Backend backend = State.Backend.MEMORY;
      if (backendName != null) {
        switch (backendName.toLowerCase(Locale.ROOT)) {
          case "memory" -> backend = State.Backend.MEMORY;
          case "redis" -> backend = State.Backend.REDIS;
          default -> r.problem("state.backend", "\"" + backendName + "\" is not a backend (expected: memory, redis)");
        }
      }
      String url = r.string(node, "url", "state", false);
      if (url != null && !url.startsWith("redis://") && !url.startsWith("rediss://") && !url.startsWith("unix://")) {
        r.problem("state.url", "\"" + url + "\" is not a Redis URL (expected: redis://host:port)");
      }
      String prefix = r.string(node, "key_prefix", "state", false);
      return new State(backend, url == null ? State.DEFAULT_URL : url, prefix == null ? State.DEFAULT_PREFIX : prefix);
    }

    Retry retry(JsonNode node, String path) {
      if (!r.isObject(node, path)) {
        return Retry.NONE;
      }
      r.onlyKeys(node, path, RETRY_KEYS);
      int attempts = r.integer(node, "attempts", path, 1, 1, 10);
      String statusField = node.has("retry_on_status") ? "retry_on_status" : "on_status_codes";
      if (node.has("retry_on_status") && node.has("on_status_codes")) {
        r.problem(path, "give retry_on_status or on_status_codes, not both");
      }
      Set<Integer> statuses = statuses(node.get(statusField), path + "." + statusField, Retry.DEFAULT_STATUSES);
      int initial = r.integer(node, "initial_backoff_ms", path, 100, 0, 600_000);
      int max = r.integer(node, "max_backoff_ms", path, 5_000, 0, 600_000);
      int maxRetryAfter = r.integer(node, "max_retry_after_ms", path, 30_000, 0, 3_600_000);
      if (max < initial) {
        r.problem(path + ".max_backoff_ms", max + " is below initial_backoff_ms " + initial);
      }
      return new Retry(attempts, statuses, Duration.ofMillis(initial), Duration.ofMillis(max),
          Duration.ofMillis(maxRetryAfter));
    }

    /** A list of HTTP statuses, or {@code fallback} when absent. */
    Set<Integer> statuses(JsonNode codes, String path, Set<Integer> fallback) {
      if (codes == null || codes.isNull() || !r.isArray(codes, path)) {
        return fallback;
      }
      Set<Integer> out = new HashSet<>();
      for (int i = 0; i < codes.size(); i++) {
        JsonNode c = codes.get(i);
        if (!c.canConvertToInt() || !c.isIntegralNumber() || c.asInt() < 100 || c.asInt() > 599) {
          r.problem(path + "[" + i + "]", NodeReader.describe(c) + " is not an HTTP status (expected: 100 to 599)");
        } else {
          out.add(c.asInt());
        }
      }
      return out;
    }

    Map<String, String> aliases(ObjectNode root) {
      Map<String, String> aliases = r.stringMap(root, "aliases", "");
      for (String start : aliases.keySet()) {
        Set<String> chain = new HashSet<>();
        String at = start;
        while (aliases.containsKey(at)) {
          if (!chain.add(at)) {
            r.problem("aliases." + start, "aliases form a cycle through \"" + at + "\"");
            break;
          }
          at = aliases.get(at);
        }
      }
      return new LinkedHashMap<>(aliases);
    }

    UnsupportedParamPolicy compatibility(JsonNode node) {
      if (!r.isObject(node, "compatibility")) {
        return UnsupportedParamPolicy.WARN;
      }
      r.onlyKeys(node, "compatibility", COMPATIBILITY_KEYS);
      String value = r.string(node, "on_unsupported_param", "compatibility", false);
      if (value == null) {
        return UnsupportedParamPolicy.WARN;
      }
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "warn" -> UnsupportedParamPolicy.WARN;
        case "drop" -> UnsupportedParamPolicy.DROP;
        case "reject" -> UnsupportedParamPolicy.REJECT;
        default -> {
          r.problem("compatibility.on_unsupported_param", "\"" + value
              + "\" is not a policy (expected: warn, drop, reject)");
          yield UnsupportedParamPolicy.WARN;
        }
      };
    }
  }
}
