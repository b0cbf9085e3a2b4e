package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.GatewayConfig.CircuitBreaker;
import io.switchboard.config.GatewayConfig.Resilience;
import io.switchboard.config.GatewayConfig.State;
import io.switchboard.config.GatewayConfig.Target;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Request-wide resilience: {@code request_timeout}, {@code circuit_breaker} (the targets' default),
 * {@code context_window_fallback} and {@code state}.
 */
record ResilienceReader(NodeReader r) {
  private static final Set<String> BREAKER_KEYS = Set.of("failure_threshold", "success_threshold", "timeout",
      "max_half_threshold");
  private static final Set<String> STATE_KEYS = Set.of("backend", "url", "key_prefix");

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
    // Ferro: concurrent probes allowed while half-open; it refuses 0 and negatives too
    int maxHalfOpen = r.integer(node, "max_half_threshold", path, d.maxHalfOpen(), 1, 1_000_000);
    return new CircuitBreaker(failures, successes, openFor, maxHalfOpen);
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
}
