package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.GatewayConfig.Provider;
import io.switchboard.provider.ProviderRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code providers} (or {@code virtual_keys}) block; without one, every provider kind and preset whose
 * environment variables are set.
 */
record ProviderReader(NodeReader r, Map<String, String> env) {
  static final Pattern PROVIDER_KEY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]*$");
  private static final Pattern OPTION_VALUE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]*$");
  private static final Set<String> PROVIDER_KEYS = Set.of(
      "key", "provider", "api_key", "base_url", "headers", "timeout", "models", "connect_timeout",
      "stream_idle_timeout", "tls", "http2");

  /** The names a providers entry's {@code provider} may take. */
  static String expectedProviders() {
    return ProviderType.expected() + ", or a preset: "
        + String.join(", ", Presets.all().stream().map(Preset::name).toList());
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
      if (out.isEmpty() && r.awayFromSecrets()) {
        r.note("providers", "none found in this environment (serve needs a provider's variables, such as "
            + "OPENAI_API_KEY)");
      } else if (out.isEmpty()) {
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
        ObjectNode entry = JsonNodeFactory.instance.objectNode().put("key", preset.name())
            .put("provider", preset.name());
        List<String> models = preset.modelsFrom(env);
        if (!models.isEmpty()) {
          models.forEach(entry.putArray("models")::add);
        }
        entries.add(entry);
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
}
