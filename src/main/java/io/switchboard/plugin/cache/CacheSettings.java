package io.switchboard.plugin.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import java.time.Duration;
import java.util.Set;

/**
 * The response-cache plugin's validated config.
 *
 * @param maxAge how long an answer may be served after it was stored
 * @param maxEntries how many answers are kept; the least recently used one goes first
 * @param maxEntryBytes answers larger than this are not stored
 * @param backend where entries live
 * @param url the Redis URL, only with {@link Backend#REDIS}
 * @param keyPrefix prefix of every Redis key
 */
public record CacheSettings(Duration maxAge, int maxEntries, int maxEntryBytes, Backend backend, String url,
    String keyPrefix) implements PluginSettings {
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(300);
  public static final int DEFAULT_MAX_ENTRIES = 1000;
  public static final int DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
  public static final String DEFAULT_KEY_PREFIX = "switchboard:cache:";

  private static final Set<String> FIELDS = Set.of("max_age", "max_entries", "max_entry_bytes", "backend", "url",
      "key_prefix");

  public enum Backend {
    MEMORY,
    REDIS
  }

  /** The registry's parser: records every problem under {@code path}, returns null when there was one. */
  public static CacheSettings parse(NodeReader r, JsonNode config, String path, Stage stage) {
    int before = r.problems().size();
    r.onlyKeys(config, path, FIELDS);
    Duration maxAge = r.duration(config, "max_age", path, DEFAULT_MAX_AGE);
    int maxEntries = r.integer(config, "max_entries", path, DEFAULT_MAX_ENTRIES, 1, Integer.MAX_VALUE);
    int maxEntryBytes = r.integer(config, "max_entry_bytes", path, DEFAULT_MAX_ENTRY_BYTES, 1, Integer.MAX_VALUE);
    String backendName = r.string(config, "backend", path, false);
    Backend backend = Backend.MEMORY;
    if ("redis".equals(backendName)) {
      backend = Backend.REDIS;
    } else if (backendName != null && !backendName.equals("memory")) {
      r.problem(path + ".backend", "\"" + backendName + "\" is not a backend (expected: memory or redis)");
    }
    String url = r.string(config, "url", path, backend == Backend.REDIS);
    if (url != null && backend == Backend.MEMORY) {
      r.problem(path + ".url", "is only used with backend: redis (expected: backend: redis, or no url)");
    } else if (url != null && !url.startsWith("redis://") && !url.startsWith("rediss://")
        && !url.startsWith("unix://")) {
      // never quote the URL: it may carry a password
      r.problem(path + ".url", "is not a Redis URL (expected: redis://host:port, rediss://... or unix://...)");
    }
    String keyPrefix = r.string(config, "key_prefix", path, false);
    if (keyPrefix == null) {
      keyPrefix = DEFAULT_KEY_PREFIX;
    } else if (keyPrefix.isEmpty()) {
      r.problem(path + ".key_prefix", "must not be empty (expected: a prefix such as \"" + DEFAULT_KEY_PREFIX + "\")");
    }
    return r.problems().size() > before ? null
        : new CacheSettings(maxAge, maxEntries, maxEntryBytes, backend, url, keyPrefix);
  }

  @Override
  public Plugin create(PluginContext context) {
    CacheStore store = switch (backend) {
      case MEMORY -> new MemoryCacheStore(maxEntries, maxAge, context.clock());
      case REDIS -> new RedisCacheStore(context.vertx(), url, keyPrefix, maxEntries, maxAge);
    };
    String name = context.name() == null || context.name().isEmpty() ? "response-cache" : context.name();
    return new ResponseCache(name, store, maxEntryBytes, context.vertx());
  }

  @Override
  public String toString() {
    // the URL may carry a password
    return "CacheSettings[maxAge=" + maxAge + ", maxEntries=" + maxEntries + ", maxEntryBytes=" + maxEntryBytes
        + ", backend=" + backend + ", keyPrefix=" + keyPrefix + "]";
  }
}
