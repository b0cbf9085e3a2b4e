package io.switchboard.plugin.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code rate-limit} plugin's config, validated: at least one limit, each with a positive rate, and
 * backend options only where they mean something. See docs/plugins/rate-limit.md.
 */
public record RateLimitSettings(List<Limit> limits, Backend backend, String url, String keyPrefix, Duration timeout,
    boolean failOpen, int maxTracked) implements PluginSettings {
  public enum Backend {
    MEMORY,
    REDIS
  }

  static final String DEFAULT_PREFIX = "switchboard:rl:";
  static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
  static final int DEFAULT_MAX_TRACKED = 100_000;

  private static final Set<String> FIELDS = Set.of("requests_per_second", "burst", "scope", "key_rpm", "user_rpm",
      "key_tpm", "backend", "url", "key_prefix", "timeout", "fail_open", "max_tracked");
  private static final Set<String> REDIS_ONLY = Set.of("url", "key_prefix", "timeout", "fail_open");

  public RateLimitSettings {
    limits = List.copyOf(limits);
  }

  /** The registry's parser: records every problem under {@code path} and returns null when there was one. */
  public static RateLimitSettings parse(NodeReader r, JsonNode config, String path, Stage stage) {
    int before = r.problems().size();
    r.onlyKeys(config, path, FIELDS);
    List<Limit> limits = new ArrayList<>(4);

    Double rps = positive(r, config, "requests_per_second", path);
    Integer burst = r.integer(config, "burst", path, null, 1, Integer.MAX_VALUE);
    String scopeName = r.string(config, "scope", path, false);
    Scope scope = scopeName == null ? Scope.GLOBAL : Scope.of(scopeName);
    if (scope == null) {
      r.problem(path + ".scope", "\"" + scopeName + "\" is not a scope (expected one of: global, key, user, model)");
    }
    if (!config.has("requests_per_second")) {
      for (String dependent : List.of("burst", "scope")) {
        if (config.has(dependent)) {
          r.problem(path + "." + dependent, "only applies with requests_per_second (expected: requests_per_second "
              + "next to it)");
        }
      }
    }
    if (rps != null && scope != null) {
      limits.add(Limit.perSecond(rps, burst != null ? burst : (int) Math.max(1, Math.ceil(rps)), scope));
    }
    Integer keyRpm = r.integer(config, "key_rpm", path, null, 1, Integer.MAX_VALUE);
    if (keyRpm != null) {
      limits.add(Limit.perMinute("key_rpm", Limit.Kind.REQUESTS, Scope.KEY, keyRpm));
    }
    Integer userRpm = r.integer(config, "user_rpm", path, null, 1, Integer.MAX_VALUE);
    if (userRpm != null) {
      limits.add(Limit.perMinute("user_rpm", Limit.Kind.REQUESTS, Scope.USER, userRpm));
    }
    Integer keyTpm = r.integer(config, "key_tpm", path, null, 1, Integer.MAX_VALUE);
    if (keyTpm != null) {
      limits.add(Limit.perMinute("key_tpm", Limit.Kind.TOKENS, Scope.KEY, keyTpm));
    }
    if (limits.isEmpty() && r.problems().size() == before) {
      r.problem(path, "sets no limit (expected at least one of: requests_per_second, key_rpm, user_rpm, key_tpm)");
    }

    String backendName = r.string(config, "backend", path, false);
    Backend backend = backendName == null ? Backend.MEMORY : switch (backendName) {
      case "memory" -> Backend.MEMORY;
      case "redis" -> Backend.REDIS;
      default -> {
        r.problem(path + ".backend", "\"" + backendName + "\" is not a backend (expected: memory or redis)");
        yield null;
      }
    };
    String url = null;
    if (backend == Backend.REDIS) {
      url = r.string(config, "url", path, true);
      if (url != null && !url.matches("(?i)^(redis|rediss|unix)://.+")) {
        r.problem(path + ".url", "is not a Redis URL (expected: redis://host:port, rediss://... or unix://...)");
      }
    } else if (backend == Backend.MEMORY) {
      for (String field : REDIS_ONLY) {
        if (config.has(field)) {
          r.problem(path + "." + field, "only applies to backend: redis (expected: backend: redis next to it)");
        }
      }
    }
    String prefix = r.string(config, "key_prefix", path, false);
    if (prefix != null && prefix.isEmpty()) {
      r.problem(path + ".key_prefix", "must not be empty");
    }
    Duration timeout = r.duration(config, "timeout", path, DEFAULT_TIMEOUT);
    boolean failOpen = r.bool(config, "fail_open", path, false);
    Integer maxTracked = r.integer(config, "max_tracked", path, DEFAULT_MAX_TRACKED, 1, Integer.MAX_VALUE);
    if (backend == Backend.REDIS && config.has("max_tracked")) {
      r.problem(path + ".max_tracked", "only applies to backend: memory (Redis expires idle buckets itself)");
    }
    if (r.problems().size() > before) {
      return null;
    }
    return new RateLimitSettings(limits, backend, url, prefix == null ? DEFAULT_PREFIX : prefix, timeout, failOpen,
        maxTracked);
  }

  /** A number that must be finite and above zero. */
  private static Double positive(NodeReader r, JsonNode config, String field, String path) {
    Double value = r.number(config, field, path, null, Double.NEGATIVE_INFINITY);
    if (value != null && !(value > 0 && Double.isFinite(value))) {
      r.problem(path + "." + field, value + " is out of range (expected: > 0)");
      return null;
    }
    return value;
  }

  @Override
  public Plugin create(PluginContext context) {
    Limit[] array = limits.toArray(Limit[]::new);
    Limiter limiter = switch (backend) {
      case MEMORY -> new MemoryLimiter(array, context.clock(), maxTracked, context.vertx());
      case REDIS -> new RedisLimiter(context.vertx(), array, url, keyPrefix, timeout);
    };
    return new RateLimitPlugin(context.name(), array, limiter, failOpen);
  }
}
