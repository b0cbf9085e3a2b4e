package io.switchboard.plugin.budget;

import io.switchboard.plugin.budget.Period.Window;
import io.switchboard.plugin.budget.Spend.Spent;
import io.switchboard.plugin.budget.Spend.Subjects;
import io.switchboard.store.SpendScope;
import io.vertx.core.Future;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spend counters in this process: one per key, user and key+model, each tagged with the period it counts.
 * A counter of an older period reads as 0 and is replaced on the next add, so a rollover needs no timer.
 * With a cap ({@code max_keys}), a new subject arriving at the cap first removes the one that spent least,
 * as Ferro does: the subjects near their limit are the ones worth remembering. Shareable, so budgets naming
 * one {@code store_id} can hold one store.
 */
final class MemorySpendStore implements SpendStore, Shareable {
  private final Map<String, Counter> keys = new ConcurrentHashMap<>();
  private final Map<String, Counter> users = new ConcurrentHashMap<>();
  private final Map<String, Counter> models = new ConcurrentHashMap<>();
  private final int maxKeys;
  private final AtomicBoolean seeded = new AtomicBoolean();

  MemorySpendStore() {
    this(0);
  }

  /** @param maxKeys subjects counted per kind at most; 0: no cap */
  MemorySpendStore(int maxKeys) {
    this.maxKeys = maxKeys;
  }

  /** True once: the first of the budgets sharing this store reads spend back, the others must not add it again. */
  boolean claimSeed() {
    return seeded.compareAndSet(false, true);
  }

  private static final class Counter {
    final long period;
    final AtomicLong nanos = new AtomicLong();

    Counter(long period) {
      this.period = period;
    }
  }

  /** The key of a key+model counter: the same form {@link SpendScope#KEY_MODEL} sums come back in. */
  static String keyModel(String keyId, String model) {
    return keyId + SpendScope.SEPARATOR + model;
  }

  @Override
  public Future<Spent> spent(Subjects s, Window window) {
    long period = window.id();
    return Future.succeededFuture(new Spent(
        read(keys, s.keyId(), period),
        s.user() == null ? 0 : read(users, s.user(), period),
        s.model() == null ? 0 : read(models, keyModel(s.keyId(), s.model()), period)));
  }

  @Override
  public void add(Subjects s, Window window, long nanos) {
    long period = window.id();
    add(keys, s.keyId(), period, nanos);
    if (s.user() != null) {
      add(users, s.user(), period, nanos);
    }
    if (s.model() != null) {
      add(models, keyModel(s.keyId(), s.model()), period, nanos);
    }
  }

  /** Adds spend read back from the request log (dollars per key, user, key+model) to the window's counters. */
  void seed(Window window, Map<String, Double> byKey, Map<String, Double> byUser, Map<String, Double> byKeyModel) {
    long period = window.id();
    byKey.forEach((id, usd) -> add(keys, id, period, Spend.nanos(usd)));
    byUser.forEach((id, usd) -> add(users, id, period, Spend.nanos(usd)));
    byKeyModel.forEach((id, usd) -> add(models, id, period, Spend.nanos(usd)));
  }

  /** Removes the subject with the least spend (a linear scan: it runs only when a new subject meets the cap). */
  private static void evictLeast(Map<String, Counter> counters) {
    String least = null;
    long min = Long.MAX_VALUE;
    for (Map.Entry<String, Counter> e : counters.entrySet()) {
      long v = e.getValue().nanos.get();
      if (v < min) {
        min = v;
        least = e.getKey();
      }
    }
    if (least != null) {
      counters.remove(least);
    }
  }

  private static long read(Map<String, Counter> counters, String id, long period) {
    Counter c = counters.get(id);
    return c != null && c.period == period ? c.nanos.get() : 0;
  }

  private void add(Map<String, Counter> counters, String id, long period, long nanos) {
    Counter c = counters.get(id);
    if (c == null && maxKeys > 0 && counters.size() >= maxKeys) {
      evictLeast(counters);
    }
    if (c == null || c.period != period) {
      // Replace a counter of an older period; keep a newer one (a request that finished late, after a rollover).
      c = counters.compute(id, (k, old) -> old != null && old.period >= period ? old : new Counter(period));
      if (c.period != period) {
        return;  // it belongs to a period that is over
      }
    }
    c.nanos.addAndGet(nanos);
  }
}
