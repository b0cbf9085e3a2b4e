package io.switchboard.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryCacheStoreTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }

  static CacheStore.Hit get(CacheStore store, String key) {
    return store.get(key).result();
  }

  @Test
  void evictsTheLeastRecentlyUsedNotTheOldest() {
    MemoryCacheStore store = new MemoryCacheStore(3, Duration.ofMinutes(5), new ManualClock());
    store.put("a", Buffer.buffer("A"));
    store.put("b", Buffer.buffer("B"));
    store.put("c", Buffer.buffer("C"));
    assertThat(get(store, "a").body().toString()).isEqualTo("A");  // a is now the most recently used
    assertThat(store.keysByAge()).containsExactly("b", "c", "a");

    store.put("d", Buffer.buffer("D"));

    assertThat(get(store, "b")).isNull();
    assertThat(store.keysByAge()).containsExactly("c", "a", "d");
    store.put("c", Buffer.buffer("C2"));  // storing again also counts as use
    store.put("e", Buffer.buffer("E"));
    assertThat(store.keysByAge()).containsExactly("d", "c", "e");
    assertThat(get(store, "c").body().toString()).isEqualTo("C2");
  }

  @Test
  void neverServesAnExpiredEntryAndReportsAge() {
    ManualClock clock = new ManualClock();
    MemoryCacheStore store = new MemoryCacheStore(10, Duration.ofSeconds(300), clock);
    store.put("k", Buffer.buffer("v"));
    clock.advance(Duration.ofMillis(299_999));
    assertThat(get(store, "k").ageMillis()).isEqualTo(299_999);
    clock.advance(Duration.ofMillis(1));
    assertThat(get(store, "k")).isNull();
    assertThat(store.keysByAge()).isEmpty();
  }

  @Test
  void oneEntryBound() {
    MemoryCacheStore store = new MemoryCacheStore(1, Duration.ofSeconds(1), new ManualClock());
    store.put("a", Buffer.buffer("A"));
    store.put("b", Buffer.buffer("B"));
    assertThat(get(store, "a")).isNull();
    assertThat(get(store, "b").ageMillis()).isZero();
  }

  @Test
  void aLargeCacheIsSegmentedAndStillHoldsExactlyMaxEntries() {
    assertThat(new MemoryCacheStore(127, Duration.ofMinutes(5), new ManualClock()).segments()).isEqualTo(1);
    MemoryCacheStore store = new MemoryCacheStore(1000, Duration.ofMinutes(5), new ManualClock());
    assertThat(store.segments()).isEqualTo(8);
    for (int i = 0; i < 20_000; i++) {
      store.put("key-" + i, Buffer.buffer("v"));
    }
    // Each segment is full, and the shares add up to the bound.
    assertThat(store.size()).isEqualTo(1000);
    // The most recent entries survive; the first ones are long gone.
    assertThat(get(store, "key-19999")).isNotNull();
    assertThat(get(store, "key-0")).isNull();
  }

  @Test
  void keysOfOneSegmentStillSpreadOverItsBuckets() {
    // A segment is a HashMap, which picks buckets by the low bits of the spread hash; were segments chosen
    // by those bits too, a segment's keys would all land in the same sixteenth of its buckets.
    MemoryCacheStore store = new MemoryCacheStore(1000, Duration.ofMinutes(5), new ManualClock());
    java.util.Set<Integer> lowBits = new java.util.HashSet<>();
    for (int i = 0; i < 4000; i++) {
      String key = java.util.HexFormat.of().toHexDigits((long) i * 0x9E3779B97F4A7C15L);
      if (store.segmentIndex(key) == 0) {
        int h = key.hashCode();
        lowBits.add((h ^ (h >>> 16)) & 15);
      }
    }
    assertThat(lowBits).hasSize(16);
  }

  @Test
  void threadSafeUnderConcurrentUse() throws Exception {
    MemoryCacheStore store = new MemoryCacheStore(50, Duration.ofMinutes(5), new ManualClock());
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          String key = "k" + ((i * 7 + id) % 200);
          if (i % 3 == 0) {
            store.put(key, Buffer.buffer(key));
          } else {
            CacheStore.Hit hit = get(store, key);
            if (hit != null) {
              assertThat(hit.body().toString()).isEqualTo(key);
            }
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(store.keysByAge()).hasSize(50);
  }
}
