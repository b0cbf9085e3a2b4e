package io.switchboard.config.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.NodeReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import io.switchboard.config.litellm.Translation.Deployment;
import io.switchboard.config.litellm.Translation.Setting;

/** The routing of router_settings: targets in order, fallbacks, retries, timeouts, the strategy, aliases. */
final class RoutingTranslator {
  static final Set<String> LOADBALANCE_STRATEGIES = Set.of(
      "simple-shuffle", "usage-based-routing", "usage-based-routing-v2");
  /** LiteLLM strategies with a native mode of the same behaviour. */
  static final Map<String, String> PASSED_THROUGH_STRATEGIES = Map.of(
      "least-busy", "least-busy", "latency-based-routing", "least-latency", "cost-based-routing", "cost-optimized");
  /** LiteLLM's Router retries twice when no num_retries is set (openai.DEFAULT_MAX_RETRIES). */
  static final int LITELLM_DEFAULT_RETRIES = 2;
  private final Translation t;

  RoutingTranslator(Translation t) {
    this.t = t;
  }

  void targets() {
    if (t.deployments.isEmpty()) {
      for (String setting : List.of("num_retries", "retry_after", "timeout", "request_timeout")) {
        String where = t.router.has(setting) ? "router_settings"
            : t.settings.has(setting) ? "litellm_settings" : null;
        if (where != null && !t.in.has("model_list")) {
          t.warn(where + "." + setting, "not applied: there is no model_list, so providers come from the "
              + "environment with default settings");
        }
      }
      fallbacks();  // still checked, so a fallback naming nothing is reported
      return;
    }
    ArrayNode targets = nativeTargets();
    Setting retries = t.setting("num_retries");
    Integer attempts = retries == null ? LITELLM_DEFAULT_RETRIES + 1
        : t.wholeNumber(retries.parent(), "num_retries", retries.where(), 0, Translation.MAX_RETRIES) instanceof Integer n
            ? n + 1 : null;
    Setting retryAfter = t.setting("retry_after");
    Integer backoffMs = null;
    if (retryAfter != null) {
      Double seconds = new NodeReader().number(retryAfter.parent(), "retry_after", retryAfter.where(), null, 0);
      if (seconds == null) {
        t.problem(retryAfter.path(), "expected a number of seconds >= 0, got "
            + NodeReader.describe(retryAfter.value()));
      } else {
        backoffMs = (int) Math.round(seconds * 1000);
      }
    }
    for (Deployment d : t.deployments) {
      if (!d.ownRetries() && attempts != null) {
        d.target().putObject("retry").put("attempts", attempts);
      }
      if (backoffMs != null) {
        ObjectNode retry = d.target().has("retry") ? (ObjectNode) d.target().get("retry")
            : d.target().putObject("retry");
        retry.put("initial_backoff_ms", backoffMs).put("max_backoff_ms", Math.max(backoffMs, 5_000));
      }
    }
    Setting timeout = t.router.hasNonNull("timeout") ? new Setting("router_settings", "timeout", t.router)
        : t.setting("request_timeout");
    if (t.router.hasNonNull("timeout") && t.settings.hasNonNull("request_timeout")) {
      t.warn("litellm_settings.request_timeout", "overridden by router_settings.timeout");
    }
    if (timeout != null && t.out.get("providers") instanceof ArrayNode providers) {
      for (int i = 0; i < providers.size(); i++) {
        if (providers.get(i) instanceof ObjectNode p && !p.has("timeout") && isDerived(p)) {
          p.set("timeout", timeout.value());
          t.origins.put("providers[" + i + "].timeout", timeout.path());
        }
      }
    }

    List<Deployment> ordered = t.deployments.stream().filter(d -> !d.wildcard()).toList();
    for (Deployment d : ordered) {
      add(targets, d.target(), d.path());
    }
    // A fallback group already placed after its primary (and after earlier fallbacks) just maps the primary
    // too; otherwise it gets dedicated targets at the end, so a fallback is never tried before the primary.
    Map<String, Integer> reached = new HashMap<>();
    Set<String> atEnd = new HashSet<>();
    for (Fallback f : fallbacks()) {
      List<Deployment> group = t.groups.get(f.group());
      int after = reached.computeIfAbsent(f.primary(), p -> last(ordered, t.groups.get(p)));
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
    for (Deployment d : t.deployments) {
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
    return t.deployments.stream().anyMatch(d -> d.providerKey().equals(provider.path("key").asText()));
  }

  void add(ArrayNode targets, ObjectNode target, String from) {
    String at = "targets[" + targets.size() + "]";
    targets.add(target);
    t.origins.put(at, from);
    if (from.startsWith("model_list")) {
      t.origins.put(at + ".weight", from + ".litellm_params.weight");
    }
  }

  /** The native targets array; with no targets block, every native provider first becomes one, as it would. */
  ArrayNode nativeTargets() {
    JsonNode existing = t.out.get("targets");
    if (existing instanceof ArrayNode array) {
      return array;
    }
    if (existing != null && !existing.isNull()) {
      t.problem("targets", "expected a list to which model_list can add, got " + NodeReader.describe(existing));
      return Translation.JSON.arrayNode();
    }
    ArrayNode targets = t.out.putArray("targets");
    Set<String> derived = new HashSet<>();
    t.deployments.forEach(d -> derived.add(d.providerKey()));
    for (String block : List.of("providers", "virtual_keys")) {
      if (t.out.get(block) instanceof ArrayNode list) {
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
    for (Setting s : t.both("fallbacks")) {
      JsonNode list = s.value();
      if (!list.isArray()) {
        t.problem(s.path(), "expected a list of {model_name: [fallback model_names]}, got " + NodeReader.describe(list));
        continue;
      }
      for (int i = 0; i < list.size(); i++) {
        String at = s.path() + "[" + i + "]";
        if (!(list.get(i) instanceof ObjectNode entry)) {
          t.problem(at, "expected {model_name: [fallback model_names]}, got " + NodeReader.describe(list.get(i)));
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
    for (Setting s : t.both("default_fallbacks")) {
      List<String> defaults = names(s.value(), s.path());
      defaults.removeIf(g -> !knownGroup(g, s.path(), " (a fallback)"));
      for (String primary : t.groups.keySet()) {
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

  boolean knownGroup(String name, String path, String role) {
    if (t.groups.containsKey(name)) {
      return true;
    }
    if (!t.written.contains(name)) {  // a group written but not translated has its own problem already
      t.problem(path, "\"" + name + "\"" + role + " names no model_name in model_list");
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
          t.problem(path + "[" + i + "]", "expected a model_name, got " + NodeReader.describe(node.get(i)));
        }
      }
    } else {
      t.problem(path, "expected a list of model_names, got " + NodeReader.describe(node));
    }
    return out;
  }

  void strategy() {
    boolean fallbacks = t.router.hasNonNull("fallbacks") || t.settings.hasNonNull("fallbacks")
        || t.router.hasNonNull("default_fallbacks") || t.settings.hasNonNull("default_fallbacks");
    boolean severalDeployments = t.groups.values().stream().anyMatch(g -> g.size() > 1);
    String mode = null;
    String from = null;
    JsonNode routing = t.router.get("routing_strategy");
    if (routing != null && !routing.isNull()) {
      from = "router_settings.routing_strategy";
      String name = routing.asText().toLowerCase(Locale.ROOT);
      if (!routing.isTextual()) {
        t.problem(from, "expected a string, got " + NodeReader.describe(routing));
      } else if (LOADBALANCE_STRATEGIES.contains(name) || PASSED_THROUGH_STRATEGIES.containsKey(name)) {
        // Within a model group LiteLLM applies the strategy; across groups, fallbacks are ordered.
        mode = fallbacks ? "fallback" : PASSED_THROUGH_STRATEGIES.getOrDefault(name, "loadbalance");
        if (fallbacks && severalDeployments) {
          t.warn(from, "\"" + routing.asText() + "\" with fallbacks: deployments sharing a model_name are tried "
              + "in model_list order (ordered fallback), not by the routing strategy");
        } else if (name.startsWith("usage-based-routing") && !fallbacks) {
          t.warn(from, "\"" + routing.asText() + "\" is approximated by weighted random load balancing");
        }
      } else {
        t.problem(from, "\"" + routing.asText() + "\" is not a LiteLLM routing strategy (expected: simple-shuffle, "
            + "least-busy, usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing)");
      }
    } else if (fallbacks) {
      mode = "fallback";
      from = t.router.hasNonNull("fallbacks") || t.router.hasNonNull("default_fallbacks")
          ? "router_settings.fallbacks" : "litellm_settings.fallbacks";
      if (severalDeployments) {
        t.warn(from, "deployments sharing a model_name are tried in model_list order (ordered fallback), "
            + "not load-balanced");
      }
    } else if (!t.deployments.isEmpty()) {
      mode = severalDeployments ? "loadbalance" : "fallback";
    }
    if (mode == null) {
      return;
    }
    JsonNode existing = t.out.get("strategy");
    if (existing != null && !existing.isNull()) {
      String nativeMode = existing.path("mode").asText("");
      if (from != null && !nativeMode.equalsIgnoreCase(mode)) {
        t.problem(from, "means strategy mode \"" + mode + "\", which conflicts with strategy.mode \"" + nativeMode
            + "\" in the same file (expected: one of the two)");
      }
      return;  // an explicit native strategy wins over the one inferred from model_list
    }
    t.out.putObject("strategy").put("mode", mode);
    if (from != null) {
      t.origins.put("strategy.mode", from);
    }
  }

  void aliases() {
    JsonNode aliases = t.router.get("model_group_alias");
    String path = "router_settings.model_group_alias";
    if (aliases == null || aliases.isNull()) {
      return;
    }
    if (!(aliases instanceof ObjectNode map)) {
      t.problem(path, "expected a map of alias: model_name, got " + NodeReader.describe(aliases));
      return;
    }
    JsonNode existing = t.out.get("aliases");
    if (existing != null && !existing.isNull() && !existing.isObject()) {
      return;  // the validator reports it
    }
    ObjectNode target = existing == null || existing.isNull() ? t.out.putObject("aliases") : (ObjectNode) existing;
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = path + "." + e.getKey();
      JsonNode value = e.getValue();
      // Newer LiteLLM also accepts {model: name, hidden: bool}.
      if (value.isObject()) {
        if (value.has("hidden")) {
          t.warn(at + ".hidden", "is not supported yet; the alias is listed in /v1/models");
        }
        value = value.get("model");
      }
      if (value == null || !value.isTextual() || value.asText().isBlank()) {
        t.problem(at, "expected a model_name, got " + NodeReader.describe(e.getValue()));
        continue;
      }
      JsonNode already = target.get(e.getKey());
      if (already != null && !already.asText().equals(value.asText())) {
        t.problem(at, "\"" + value.asText() + "\" conflicts with aliases." + e.getKey() + " \"" + already.asText()
            + "\" in the same file");
        continue;
      }
      target.put(e.getKey(), value.asText());
    }
  }
}
