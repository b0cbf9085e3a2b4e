package io.switchboard.plugin.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Buckets in this process. Each bucket is its own monitor, held only for a few arithmetic operations; a
 * request locks the buckets of its limits in limit order (so no two requests can deadlock), checks them all,
 * and charges them only when all admit. Per-key, per-user and per-model buckets live in one map per limit,
 * bounded by {@code maxTracked}: a full bucket is the same as no bucket, so sweeps drop full ones, and when
 * that is not enough the longest idle ones go (their callers start again from a full bucket).
 */
final class MemoryLimiter implements Limiter {
  private final Limit[] limits;
  private final Clock clock;
  private final int maxTracked;
  private final Bucket[] globals;
  private final List<Map<String, Bucket>> maps;
  private final ReentrantLock sweeping = new ReentrantLock();

  private static final long SWEEP_EVERY_MILLIS = 60_000;

  private final Vertx vertx;
  private long sweeper = -1;

  /** @param vertx runs the periodic sweep of full buckets; null in tests, which sweep by hand */
  MemoryLimiter(Limit[] limits, Clock clock, int maxTracked, Vertx vertx) {
    this.vertx = vertx;
    this.limits = limits;
    this.clock = clock;
    this.maxTracked = maxTracked;
    this.globals = new Bucket[limits.length];
    this.maps = new ArrayList<>(limits.length);
    long now = clock.millis();
    for (int i = 0; i < limits.length; i++) {
      boolean global = limits[i].scope() == Scope.GLOBAL;
      globals[i] = global ? new Bucket(limits[i].capacity(), now) : null;
      maps.add(global ? null : new ConcurrentHashMap<>());
    }
  }

  static final class Bucket {
    double tokens;
    long last;
    boolean evicted;  // taken out of its map: whoever still holds it looks it up again

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }

    /** Adds what flowed in since the last look; a clock that went back adds nothing. Caller holds the monitor. */
    double refill(Limit limit, long now) {
      if (now > last) {
        tokens = Math.min(limit.capacity(), tokens + (now - last) * limit.perMilli());
        last = now;
      }
      return tokens;
    }
  }

  @Override
  public Future<Void> start() {
    if (vertx != null && maps.stream().anyMatch(m -> m != null)) {
      // a worker thread walks the maps: with many subjects that takes milliseconds an event loop should not spend
      sweeper = vertx.setPeriodic(SWEEP_EVERY_MILLIS, id -> vertx.executeBlocking(() -> {
        sweep(clock.millis(), true);
        return null;
      }, false));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Decision> acquire(String[] subjects) {
    return Future.succeededFuture(decide(subjects));
  }

  Decision decide(String[] subjects) {
    long now = clock.millis();
    Bucket[] buckets = new Bucket[limits.length];
    for (;;) {
      for (int i = 0; i < limits.length; i++) {
        buckets[i] = subjects[i] == null ? null : bucket(i, subjects[i], now);
      }
      Decision d = lockAndJudge(buckets, 0, now);
      if (d != null) {
        return d;
      }
      // a sweep evicted one of our buckets between lookup and lock: look up again
    }
  }

  private Decision lockAndJudge(Bucket[] buckets, int i, long now) {
    if (i == buckets.length) {
      double[] tokens = new double[buckets.length];
      for (int j = 0; j < buckets.length; j++) {
        tokens[j] = buckets[j] == null ? Double.NaN : buckets[j].refill(limits[j], now);
      }
      Decision d = Decision.judge(limits, tokens);
      if (d.allowed()) {
        for (int j = 0; j < buckets.length; j++) {
          if (buckets[j] != null) {
            buckets[j].tokens = tokens[j];
          }
        }
      }
      return d;
    }
    Bucket b = buckets[i];
    if (b == null) {
      return lockAndJudge(buckets, i + 1, now);
    }
    synchronized (b) {
      return b.evicted ? null : lockAndJudge(buckets, i + 1, now);
    }
  }

  @Override
  public void debit(int limit, String subject, long tokens) {
    long now = clock.millis();
    for (;;) {
      Bucket b = bucket(limit, subject, now);
      synchronized (b) {
        if (!b.evicted) {
          b.refill(limits[limit], now);
          b.tokens -= tokens;
          return;
        }
      }
    }
  }

  /** What a bucket holds now (a full bucket when it is not tracked), for tests. */
  double tokens(int limit, String subject) {
    Bucket b = globals[limit] != null ? globals[limit] : maps.get(limit).get(subject);
    if (b == null) {
      return limits[limit].capacity();
    }
    synchronized (b) {
      return b.refill(limits[limit], clock.millis());
    }
  }

  int tracked(int limit) {
    return maps.get(limit) == null ? 1 : maps.get(limit).size();
  }

  private Bucket bucket(int limit, String subject, long now) {
    Bucket global = globals[limit];
    if (global != null) {
      return global;
    }
    Map<String, Bucket> map = maps.get(limit);
    Bucket b = map.get(subject);
    if (b != null) {
      return b;
    }
    if (map.size() >= maxTracked) {
      sweep(now, false);
    }
    Bucket fresh = new Bucket(limits[limit].capacity(), now);
    b = map.putIfAbsent(subject, fresh);
    return b == null ? fresh : b;
  }

  /**
   * Drops full buckets from every map; with {@code idleOnly} false, also the longest idle ones until a map
   * is at three quarters of its bound, so a sweep is due again only after many new subjects. One sweep at a
   * time; a caller that finds one running goes on (a map may exceed its bound by what arrives meanwhile).
   */
  void sweep(long now, boolean idleOnly) {
    if (!sweeping.tryLock()) {
      return;
    }
    try {
      for (int i = 0; i < limits.length; i++) {
        Map<String, Bucket> map = maps.get(i);
        if (map == null) {
          continue;
        }
        Limit limit = limits[i];
        map.entrySet().removeIf(e -> {
          Bucket b = e.getValue();
          synchronized (b) {
            if (b.refill(limit, now) >= limit.capacity()) {
              b.evicted = true;
            }
            return b.evicted;
          }
        });
        int target = maxTracked - maxTracked / 4;
        if (idleOnly || map.size() <= target) {
          continue;
        }
        List<Map.Entry<String, Bucket>> entries = new ArrayList<>(map.entrySet());
        entries.sort(Comparator.comparingLong(e -> e.getValue().last));  // racy read of last: only an ordering hint
        for (int j = 0; j < entries.size() && map.size() > target; j++) {
          Bucket b = entries.get(j).getValue();
          synchronized (b) {
            b.evicted = true;
          }
          map.remove(entries.get(j).getKey(), b);
        }
      }
    } finally {
      sweeping.unlock();
    }
  }
}
