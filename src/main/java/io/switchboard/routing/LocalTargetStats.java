package io.switchboard.routing;

import io.switchboard.config.GatewayConfig.Target;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * In-process {@link TargetStats}: an in-flight counter per target, and per target and model a ring of
 * the latest latency samples, of which only those younger than the window count.
 */
public final class LocalTargetStats implements TargetStats {
  static final int SAMPLES = 32;
  static final Duration WINDOW = Duration.ofMinutes(5);

  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  // target id -> model -> samples: two lookups of strings whose hashes are cached, no key built per request
  private final Map<String, Map<String, Samples>> latency = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final long windowNanos;

  public LocalTargetStats() {
    this(System::nanoTime, WINDOW);
  }

  LocalTargetStats(LongSupplier nanoClock, Duration window) {
    this.clock = nanoClock;
    this.windowNanos = window.toNanos();
  }

  @Override
  public int inFlight(Target target) {
    AtomicInteger n = inFlight.get(target.id());
    return n == null ? 0 : n.get();
  }

  @Override
  public OptionalDouble latencyMillis(Target target, String model) {
    Map<String, Samples> byModel = latency.get(target.id());
    Samples s = byModel == null ? null : byModel.get(model);
    return s == null ? OptionalDouble.empty() : s.mean(clock.getAsLong() - windowNanos);
  }

  @Override
  public void started(Target target) {
    inFlight.computeIfAbsent(target.id(), k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void finished(Target target, String model, long latencyNanos, boolean success) {
    AtomicInteger n = inFlight.get(target.id());
    if (n != null) {
      n.decrementAndGet();
    }
    if (success) {
      latency.computeIfAbsent(target.id(), k -> new ConcurrentHashMap<>())
          .computeIfAbsent(model, k -> new Samples()).add(latencyNanos, clock.getAsLong());
    }
  }

  /** A fixed ring of (latency, time) samples. */
  private static final class Samples {
    private final long[] latency = new long[SAMPLES];
    private final long[] at = new long[SAMPLES];
    private int next;
    private int size;

    synchronized void add(long latencyNanos, long now) {
      latency[next] = latencyNanos;
      at[next] = now;
      next = (next + 1) % SAMPLES;
      size = Math.min(size + 1, SAMPLES);
    }

    synchronized OptionalDouble mean(long notBefore) {
      long sum = 0;
      int n = 0;
      for (int i = 0; i < size; i++) {
        if (at[i] - notBefore >= 0) {
          sum += latency[i];
          n++;
        }
      }
      return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / (double) n / 1_000_000.0);
    }
  }
}
