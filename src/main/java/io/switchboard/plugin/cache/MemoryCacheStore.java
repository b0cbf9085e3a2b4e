package io.switchboard.plugin.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used map in this process: an access-ordered {@link LinkedHashMap} under one lock, held
 * only for a lookup or an insert (the work around it, hashing and serialising, happens outside).
 */
final class MemoryCacheStore implements CacheStore {
  private record Stored(Buffer body, long storedMillis) {}

  private final int maxEntries;
  private final long maxAgeMillis;
  private final Clock clock;
  private final LinkedHashMap<String, Stored> entries;

  MemoryCacheStore(int maxEntries, Duration maxAge, Clock clock) {
    this.maxEntries = maxEntries;
    this.maxAgeMillis = maxAge.toMillis();
    this.clock = clock;
    this.entries = new LinkedHashMap<>(Math.min(maxEntries, 1024) * 4 / 3 + 1, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
        return size() > MemoryCacheStore.this.maxEntries;
      }
    };
  }

  @Override
  public Future<Hit> get(String key) {
    long now = clock.millis();
    Stored entry;
    synchronized (entries) {
      entry = entries.get(key);
      if (entry != null && now - entry.storedMillis() >= maxAgeMillis) {
        entries.remove(key);
        entry = null;
      }
    }
    return Future.succeededFuture(entry == null ? null : new Hit(entry.body(), Math.max(0, now - entry.storedMillis())));
  }

  @Override
  public Future<Void> put(String key, Buffer body) {
    Stored entry = new Stored(body, clock.millis());
    synchronized (entries) {
      entries.put(key, entry);
    }
    return Future.succeededFuture();
  }

  /** The keys from least to most recently used (for tests). */
  java.util.List<String> keysByAge() {
    synchronized (entries) {
      return java.util.List.copyOf(entries.keySet());
    }
  }
}
