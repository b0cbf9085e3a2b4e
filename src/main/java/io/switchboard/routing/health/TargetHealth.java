package io.switchboard.routing.health;

import io.switchboard.config.GatewayConfig.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the executor consults before and after each attempt: is the target parked, is its breaker open,
 * is there a concurrency slot. One instance serves every event loop. Decisions read local state only;
 * changes are published to the {@link HealthStore}, and changes from other replicas arrive through it.
 */
public final class TargetHealth {
  private static final Logger LOG = LoggerFactory.getLogger(TargetHealth.class);

  private final Map<String, CircuitBreaker> breakers = new HashMap<>();
  private final Map<String, ConcurrencyLimiter> limiters = new HashMap<>();
  private final Parking parking;
  private final HealthStore store;
  private final LongSupplier clock;

  /** {@code clock}: wall-clock milliseconds. */
  public TargetHealth(List<Target> targets, HealthStore store, LongSupplier clock) {
    this.store = store;
    this.clock = clock;
    this.parking = new Parking(clock);
    for (Target t : targets) {
      if (t.circuitBreaker() != null) {
        breakers.put(t.id(), new CircuitBreaker(t.circuitBreaker(), clock));
      }
      if (t.concurrency() != null) {
        limiters.put(t.id(), new ConcurrencyLimiter(t.concurrency().maxConcurrency(), t.concurrency().queueSize()));
      }
    }
  }

  /** In-process state only. */
  public static TargetHealth local(List<Target> targets) {
    return new TargetHealth(targets, HealthStore.memory(), System::currentTimeMillis);
  }

  /** Connects the store and takes in the state other replicas left. */
  public Future<Void> start() {
    return store.start(this::apply);
  }

  public Future<Void> close() {
    return store.close();
  }

  /** A change made by another replica. */
  void apply(HealthEvent event) {
    CircuitBreaker breaker = breakers.get(event.targetId());
    switch (event.kind()) {
      case OPENED -> {
        if (breaker != null) {
          breaker.forceOpen(event.untilMillis());
        }
      }
      case CLOSED -> {
        if (breaker != null) {
          breaker.forceClose();
        }
      }
      case PARKED -> parking.parkUntil(event.targetId(), event.untilMillis());
    }
  }

  /** Why the target would be skipped now, or null; changes nothing. */
  public Rejection skipReason(Target target, boolean ignoreParking) {
    if (!ignoreParking) {
      long parked = parking.remainingMillis(target.id());
      if (parked > 0) {
        return new Rejection(Rejection.Reason.PARKED, parked);
      }
    }
    CircuitBreaker breaker = breakers.get(target.id());
    if (breaker != null && !breaker.wouldAllow()) {
      return new Rejection(Rejection.Reason.CIRCUIT_OPEN, breaker.remainingOpenMillis());
    }
    return null;
  }

  /**
   * A permit for one attempt, or a failed future with a {@link Rejection}. A concurrency slot is waited
   * for at most {@code waitMillis}. {@code ignoreParking}: a retry of the request that was itself told to
   * wait, which already waited.
   */
  public Future<Permit> admit(Vertx vertx, Target target, long waitMillis, boolean ignoreParking) {
    Rejection skip = skipReason(target, ignoreParking);
    if (skip != null) {
      return Future.failedFuture(skip);
    }
    ConcurrencyLimiter limiter = limiters.get(target.id());
    CircuitBreaker breaker = breakers.get(target.id());
    if (limiter == null) {
      return takeProbe(target, breaker, null);
    }
    return limiter.acquire(vertx, waitMillis).compose(v -> takeProbe(target, breaker, limiter));
  }

  private Future<Permit> takeProbe(Target target, CircuitBreaker breaker, ConcurrencyLimiter limiter) {
    long generation = breaker == null ? 0 : breaker.acquire();
    if (generation < 0) {
      if (limiter != null) {
        limiter.release();
      }
      return Future.failedFuture(new Rejection(Rejection.Reason.CIRCUIT_OPEN, breaker.remainingOpenMillis()));
    }
    return Future.succeededFuture(new Permit(target.id(), breaker, generation, limiter));
  }

  /** A 429: the target is skipped until its Retry-After (or {@link Parking#DEFAULT_PARK}), capped. */
  public void park(Target target, Duration retryAfter) {
    long until = clock.getAsLong() + Parking.parkFor(retryAfter).toMillis();
    parking.parkUntil(target.id(), until);
    store.publish(new HealthEvent(HealthEvent.Kind.PARKED, target.id(), until));
  }

  public long parkedMillis(Target target) {
    return parking.remainingMillis(target.id());
  }

  /** The breaker's state, or CLOSED for a target without one. */
  public CircuitBreaker.State breakerState(Target target) {
    CircuitBreaker breaker = breakers.get(target.id());
    return breaker == null ? CircuitBreaker.State.CLOSED : breaker.state();
  }

  /** Slots in use, or 0 for a target without a cap. */
  public int inFlight(Target target) {
    ConcurrencyLimiter limiter = limiters.get(target.id());
    return limiter == null ? 0 : limiter.inFlight();
  }

  /**
   * One admitted attempt. {@link #settle} gives the breaker its verdict and {@link #release} frees the
   * concurrency slot; each acts once, whatever path calls it again.
   */
  public final class Permit {
    private final String targetId;
    private final CircuitBreaker breaker;
    private final long generation;
    private final ConcurrencyLimiter limiter;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    Permit(String targetId, CircuitBreaker breaker, long generation, ConcurrencyLimiter limiter) {
      this.targetId = targetId;
      this.breaker = breaker;
      this.generation = generation;
      this.limiter = limiter;
    }

    public void settle(Verdict verdict) {
      if (breaker == null || !settled.compareAndSet(false, true)) {
        return;
      }
      CircuitBreaker.Change change = switch (verdict) {
        case SUCCESS -> breaker.onSuccess(generation);
        case FAILURE -> breaker.onFailure(generation);
        case NEUTRAL -> {
          breaker.onNeutral(generation);
          yield CircuitBreaker.Change.NONE;
        }
      };
      switch (change) {
        case OPENED -> {
          LOG.warn("circuit breaker for target {} opened", targetId);
          store.publish(new HealthEvent(HealthEvent.Kind.OPENED, targetId, breaker.openUntil()));
        }
        case CLOSED -> {
          LOG.info("circuit breaker for target {} closed", targetId);
          store.publish(new HealthEvent(HealthEvent.Kind.CLOSED, targetId, 0));
        }
        case NONE -> { }
      }
    }

    public void release() {
      if (limiter != null && released.compareAndSet(false, true)) {
        limiter.release();
      }
    }

    /** Settles as {@code verdict} (if not yet) and releases the slot. */
    public void done(Verdict verdict) {
      settle(verdict);
      release();
    }
  }
}
