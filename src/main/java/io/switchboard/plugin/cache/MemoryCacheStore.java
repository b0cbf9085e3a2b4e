package io.switchboard.plugin.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Least-recently-used maps in this process: access-ordered {@link LinkedHashMap}s, each under its own lock,
 * held only for a lookup or an insert (hashing and serialising happen outside). Every request touches the
 * cache twice, from every event loop, so one lock for all of it was the most contended lock of the gateway;
 * a cache of 128 entries or more is split into up to 16 segments by key hash, each least-recently-used on
 * its own over its share of {@code max_entries}. A smaller cache is one exact LRU.
 */
final class MemoryCacheStore implements CacheStore {
  private static final int MAX_SEGMENTS = 16;
  private static final int MIN_ENTRIES_PER_SEGMENT = 64;

  private record Stored(Buffer body, long storedMillis) {}

  private final long maxAgeMillis;
  private final Clock clock;
  private final Segment[] segments;

  private static final class Segment extends LinkedHashMap<String, Stored> {
    private final int capacity;

    Segment(int capacity) {
      super(Math.min(capacity, 1024) * 4 / 3 + 1, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
      return size() > capacity;
    }
  }

  MemoryCacheStore(int maxEntries, Duration maxAge, Clock clock) {
    this.maxAgeMillis = maxAge.toMillis();
    this.clock = clock;
    int n = Integer.highestOneBit(Math.max(1, Math.min(MAX_SEGMENTS, maxEntries / MIN_ENTRIES_PER_SEGMENT)));
    this.segments = new Segment[n];
    for (int i = 0; i < n; i++) {
      segments[i] = new Segment(maxEntries / n + (i < maxEntries % n ? 1 : 0));  // shares add up to maxEntries
    }
  }

  private Segment segment(String key) {
    return segments[segmentIndex(key)];
  }

  int segmentIndex(String key) {
    // The top bits of a mixed hash: a segment's HashMap indexes its buckets by the low bits, and keys that
    // all shared those would crowd into a sixteenth of the buckets.
    int mixed = key.hashCode() * 0x9E3779B9;
    return segments.length == 1 ? 0 : mixed >>> (32 - Integer.numberOfTrailingZeros(segments.length));
  }

  @Override
  public Future<Hit> get(String key) {
    long now = clock.millis();
    Segment segment = segment(key);
    Stored entry;
    synchronized (segment) {
      entry = segment.get(key);
      if (entry != null && now - entry.storedMillis() >= maxAgeMillis) {
        segment.remove(key);
        entry = null;
      }
    }
    return Future.succeededFuture(entry == null ? null : new Hit(entry.body(), Math.max(0, now - entry.storedMillis())));
  }

  @Override
  public Future<Void> put(String key, Buffer body) {
    Stored entry = new Stored(body, clock.millis());
    Segment segment = segment(key);
    synchronized (segment) {
      segment.put(key, entry);
    }
    return Future.succeededFuture();
  }

  /** How many segments the entries are split into (for tests). */
  int segments() {
    return segments.length;
  }

  /** The keys from least to most recently used, segment by segment (for tests). */
  List<String> keysByAge() {
    List<String> out = new ArrayList<>();
    for (Segment segment : segments) {
      synchronized (segment) {
        out.addAll(segment.keySet());
      }
    }
    return out;
  }

  /** How many entries are held (for tests). */
  int size() {
    int size = 0;
    for (Segment segment : segments) {
      synchronized (segment) {
        size += segment.size();
      }
    }
    return size;
  }
}
