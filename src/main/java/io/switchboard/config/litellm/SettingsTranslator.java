package io.switchboard.config.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.NodeReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** litellm_settings and general_settings: plugins, compatibility, and what is accepted but not acted on. */
final class SettingsTranslator {
  static final Set<String> CALLBACK_KEYS = Set.of(
      "success_callback", "failure_callback", "callbacks", "service_callback");
  static final Set<String> SILENT_SETTINGS = Set.of("set_verbose", "json_logs");
  static final int DEFAULT_CACHE_SECONDS = 300;
  static final int DEFAULT_CACHE_ENTRIES = 1000;
  private final Translation t;

  SettingsTranslator(Translation t) {
    this.t = t;
  }

  void plugins() {
    List<Map.Entry<String, ObjectNode>> derived = new ArrayList<>();
    rateLimit(derived);
    cache(derived);
    if (derived.isEmpty()) {
      return;
    }
    JsonNode existing = t.out.get("plugins");
    if (existing != null && !existing.isNull() && !existing.isArray()) {
      return;  // the validator reports it
    }
    ArrayNode plugins = existing == null || existing.isNull() ? t.out.putArray("plugins") : (ArrayNode) existing;
    for (Map.Entry<String, ObjectNode> d : derived) {
      String name = d.getValue().get("name").asText();
      JsonNode same = null;
      for (JsonNode p : plugins) {
        if (p.path("name").asText().equals(name)) {
          same = p;
        }
      }
      if (same == null) {
        t.origins.put("plugins[" + plugins.size() + "]", d.getKey());
        plugins.add(d.getValue());
      } else if (!samePlugin(same, d.getValue())) {
        // A file holding both the LiteLLM setting and the same plugin, identical, loads (as in the guide).
        t.problem(d.getKey(), "would configure plugin \"" + name + "\", which the plugins block also configures, "
            + "differently (expected: one of the two)");
      }
    }
  }

  void rateLimit(List<Map.Entry<String, ObjectNode>> derived) {
    if (t.router.has("tpm_limit")) {
      t.warn("router_settings.tpm_limit", "is not enforced: the rate-limit plugin counts requests, not tokens");
    }
    if (!t.router.has("rpm_limit")) {
      return;
    }
    Double rpm = new NodeReader().number(t.router, "rpm_limit", "router_settings", null, 0);
    if (rpm == null || rpm == 0) {
      t.problem("router_settings.rpm_limit", "expected a number of requests per minute > 0, got "
          + NodeReader.describe(t.router.get("rpm_limit")));
      return;
    }
    ObjectNode plugin = plugin("rate-limit", "ratelimit");
    plugin.putObject("config")
        .put("requests_per_second", Math.round(rpm / 60 * 100) / 100.0)
        .put("burst", Math.max(1, Math.round(rpm / 5)));
    derived.add(Map.entry("router_settings.rpm_limit", plugin));
  }

  void cache(List<Map.Entry<String, ObjectNode>> derived) {
    JsonNode cache = t.settings.get("cache");
    JsonNode params = t.settings.get("cache_params");
    if (cache == null || cache.isNull() || (cache.isBoolean() && !cache.asBoolean())) {
      if (params != null && !params.isNull()) {
        t.warn("litellm_settings.cache_params", "ignored: cache is not true");
      }
      return;
    }
    if (!cache.isBoolean()) {
      t.problem("litellm_settings.cache", "expected true or false, got " + NodeReader.describe(cache));
      return;
    }
    int maxAge = DEFAULT_CACHE_SECONDS;
    if (params != null && !params.isNull()) {
      if (!params.isObject()) {
        t.problem("litellm_settings.cache_params", "expected an object, got " + NodeReader.describe(params));
        return;
      }
      Integer ttl = t.wholeNumber(params, "ttl", "litellm_settings.cache_params", 1, Integer.MAX_VALUE);
      maxAge = ttl == null ? maxAge : ttl;
      String type = params.path("type").asText("local");
      if (!type.equals("local")) {
        t.warn("litellm_settings.cache_params.type", "\"" + type + "\": responses are cached in memory, in this "
            + "process; the " + type + " settings are not used");
      } else {
        Set<String> ignored = new LinkedHashSet<>();
        params.fieldNames().forEachRemaining(ignored::add);
        ignored.removeAll(Set.of("type", "ttl"));
        if (!ignored.isEmpty()) {
          t.warn("litellm_settings.cache_params", "not supported yet, ignored: " + String.join(", ", ignored));
        }
      }
    }
    ObjectNode plugin = plugin("response-cache", "transform");
    plugin.putObject("config").put("max_age", maxAge).put("max_entries", DEFAULT_CACHE_ENTRIES);
    derived.add(Map.entry("litellm_settings.cache", plugin));
  }

  static ObjectNode plugin(String name, String type) {
    return Translation.JSON.objectNode().put("name", name).put("type", type).put("stage", "before_request")
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
    JsonNode drop = t.settings.get("drop_params");
    if (drop == null || drop.isNull() || (drop.isBoolean() && !drop.asBoolean())) {
      return;
    }
    if (!drop.isBoolean()) {
      t.problem("litellm_settings.drop_params", "expected true or false, got " + NodeReader.describe(drop));
      return;
    }
    JsonNode existing = t.out.get("compatibility");
    if (existing == null || existing.isNull()) {
      t.out.putObject("compatibility").put("on_unsupported_param", "drop");
    } else if (existing instanceof ObjectNode c) {
      JsonNode policy = c.get("on_unsupported_param");
      if (policy == null || policy.isNull()) {
        c.put("on_unsupported_param", "drop");
      } else if (!policy.asText().equalsIgnoreCase("drop")) {
        t.problem("litellm_settings.drop_params", "true conflicts with compatibility.on_unsupported_param \""
            + policy.asText() + "\" in the same file (expected: one of the two)");
      }
    }
  }

  void otherSettings() {
    Set<String> routerHandled = Set.of("routing_strategy", "fallbacks", "default_fallbacks", "num_retries",
        "timeout", "retry_after", "rpm_limit", "tpm_limit", "model_group_alias");
    for (Iterator<String> it = t.router.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!routerHandled.contains(key)) {
        t.warn("router_settings." + key, "is not supported yet; ignored");
      }
    }
    Set<String> settingsHandled = Set.of("cache", "cache_params", "drop_params", "num_retries", "request_timeout",
        "fallbacks", "default_fallbacks");
    for (Iterator<Map.Entry<String, JsonNode>> it = t.settings.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (CALLBACK_KEYS.contains(key)) {
        t.warn("litellm_settings." + key, "callbacks are not supported (" + callbackNames(e.getValue())
            + " not called); use the request-logger plugin for request logs");
      } else if (!settingsHandled.contains(key) && !SILENT_SETTINGS.contains(key)) {
        t.warn("litellm_settings." + key, "is not supported yet; ignored");
      }
    }
    if (t.router.has("num_retries") && t.settings.has("num_retries")) {
      t.warn("litellm_settings.num_retries", "overridden by router_settings.num_retries");
    }
    JsonNode general = t.in.get("general_settings");
    if (general instanceof ObjectNode g) {
      for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (key.equals("master_key")) {
          // Clients authenticate with it, as with LiteLLM's proxy; os.environ/NAME reads the environment.
          ObjectNode server = t.out.get("server") instanceof ObjectNode o ? o : t.out.putObject("server");
          server.set("master_key", t.environmentReference(g.get(key), "general_settings.master_key"));
          t.origins.put("server.master_key", "general_settings.master_key");
        } else {
          t.warn("general_settings." + key, "is not supported yet; ignored");
        }
      }
    } else if (general != null && !general.isNull()) {
      t.problem("general_settings", "expected an object, got " + NodeReader.describe(general));
    }
    JsonNode environment = t.in.get("environment_variables");
    if (environment instanceof ObjectNode e && !e.isEmpty()) {
      t.warn("environment_variables", "are not exported; Switchboard reads the real environment ("
          + String.join(", ", iterable(e.fieldNames())) + ")");
    } else if (environment != null && !environment.isNull() && !environment.isObject()) {
      t.problem("environment_variables", "expected an object, got " + NodeReader.describe(environment));
    }
    for (String section : List.of("router_settings", "litellm_settings")) {
      JsonNode node = t.in.get(section);
      if (node != null && !node.isNull() && !node.isObject()) {
        t.problem(section, "expected an object, got " + NodeReader.describe(node));
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
}
