package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.CircuitBreaker;
import io.switchboard.config.GatewayConfig.Concurrency;
import io.switchboard.config.GatewayConfig.Provider;
import io.switchboard.config.GatewayConfig.Retry;
import io.switchboard.config.GatewayConfig.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code targets} block: each target's provider, weight, retry, models, breaker, concurrency cap and
 * timeout. Without the block every provider is a target, in the order given.
 */
/** {@code fromEnvironment}: the providers came from the environment (the config has no providers block). */
record TargetReader(NodeReader r, boolean fromEnvironment) {
  private static final Set<String> TARGET_KEYS = Set.of("name", "virtual_key", "weight", "retry", "models", "model_map",
      "circuit_breaker", "concurrency", "timeout");
  private static final Set<String> CONCURRENCY_KEYS = Set.of("max_concurrency", "queue_size");
  private static final Set<String> RETRY_KEYS = Set.of("attempts", "retry_on_status", "on_status_codes",
      "initial_backoff_ms", "max_backoff_ms", "max_retry_after_ms");

  List<Target> read(JsonNode list, List<Provider> providers, CircuitBreaker defaultBreaker) {
    List<Target> out = targets(list, providers, defaultBreaker);
    if (list == null) {
      for (Provider p : providers) {
        out.add(new Target(p.key(), p.key(), 1, Retry.NONE, List.of(), Map.of(), defaultBreaker, null, null));
      }
    }
    return out;
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
      if (vk != null && !keys.contains(vk) && fromEnvironment && r.awayFromSecrets()
          && (ProviderType.parse(vk).isPresent() || Presets.find(vk).isPresent())) {
        r.note(path + ".virtual_key", "provider \"" + vk + "\" is not registered in this environment (serve needs "
            + "its variables)");
      } else if (vk != null && !keys.isEmpty() && !keys.contains(vk)) {
        r.problem(path + ".virtual_key", "\"" + vk + "\" names no provider (expected one of: "
            + String.join(", ", providers.stream().map(Provider::key).toList()) + ")");
      }
      String name = r.string(node, "name", path, false);
      if (name != null && !ProviderReader.PROVIDER_KEY.matcher(name).matches()) {
        r.problem(path + ".name", "\"" + name + "\" is not a valid name (expected: letters, digits, '_', '.', '-')");
      }
      double weight = weight(node, path);
      Retry retry = retry(node.get("retry"), path + ".retry");
      List<String> models = r.stringList(node, "models", path);
      Map<String, String> modelMap = r.stringMap(node, "model_map", path);
      CircuitBreaker breaker = new ResilienceReader(r)
          .circuitBreaker(node.get("circuit_breaker"), path + ".circuit_breaker", defaultBreaker);
      Concurrency concurrency = concurrency(node.get("concurrency"), path + ".concurrency");
      Duration timeout = r.duration(node, "timeout", path, null);
      if (vk != null) {
        out.add(new Target(name, vk, weight, retry, models, modelMap, breaker, concurrency, timeout));
      }
    }
    return withIds(out);
  }

  /** A whole number, or a fraction as Ferro allows (0.5); at most 1,000,000, and 0 drains the target. */
  private double weight(JsonNode node, String path) {
    JsonNode w = node.get("weight");
    if (w != null && w.isNumber() && !w.isIntegralNumber()) {
      double value = w.asDouble();
      if (value < 0 || value > 1_000_000 || Double.isNaN(value)) {
        r.problem(path + ".weight", value + " is out of range (expected: 0 to 1000000)");
        return 1;
      }
      return value;
    }
    return r.integer(node, "weight", path, 1, 0, 1_000_000);
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
    Set<Integer> statuses = statuses(r, node.get(statusField), path + "." + statusField, Retry.DEFAULT_STATUSES);
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
  static Set<Integer> statuses(NodeReader r, JsonNode codes, String path, Set<Integer> fallback) {
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
}
