package io.switchboard.routing.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Targets parked by a 429 until their Retry-After. A rate limit is the upstream asking for a pause, not
 * a fault, so it parks the target rather than counting against its breaker.
 */
public final class Parking {
  public static final Duration DEFAULT_PARK = Duration.ofSeconds(1);
  public static final Duration MAX_PARK = Duration.ofSeconds(60);

  private final Map<String, Long> until = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  /** {@code clock}: wall-clock milliseconds, comparable across replicas. */
  public Parking(LongSupplier clock) {
    this.clock = clock;
  }

  /** How long a 429 with this Retry-After (null when absent) parks a target. */
  public static Duration parkFor(Duration retryAfter) {
    if (retryAfter == null) {
      return DEFAULT_PARK;
    }
    return retryAfter.compareTo(MAX_PARK) > 0 ? MAX_PARK : retryAfter;
  }

  /** Parks until {@code untilMillis}, or later if it already is; returns the time it is parked until. */
  public long parkUntil(String targetId, long untilMillis) {
    return until.merge(targetId, untilMillis, Math::max);
  }

  /** Milliseconds left on the target's park; 0 when it is not parked. */
  public long remainingMillis(String targetId) {
    Long at = until.get(targetId);
    if (at == null) {
      return 0;
    }
    long left = at - clock.getAsLong();
    if (left <= 0) {
      until.remove(targetId, at);
      return 0;
    }
    return left;
  }

  public long now() {
    return clock.getAsLong();
  }
}
