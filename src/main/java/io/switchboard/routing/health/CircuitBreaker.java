package io.switchboard.routing.health;

import io.switchboard.config.GatewayConfig;
import java.util.function.LongSupplier;

/**
 * One target's breaker. Closed until {@code failureThreshold} consecutive counted failures; then open
 * (skipped) for {@code openFor}; then half-open: at most {@code maxHalfOpen} probes in flight at once,
 * {@code successThreshold} probe successes close it, a probe failure reopens it. Each state entered starts a
 * new generation; the outcome of a request admitted in an earlier one is ignored, so a slow request from
 * before the breaker opened neither takes a probe slot's place nor counts as a probe. Thread-safe: every event loop shares one instance.
 */
public final class CircuitBreaker {
  public enum State { CLOSED, OPEN, HALF_OPEN }

  /** What a call changed, for the store to tell the other replicas. */
  public enum Change { NONE, OPENED, CLOSED }

  private final GatewayConfig.CircuitBreaker settings;
  private final LongSupplier clock;
  private State state = State.CLOSED;
  private int failures;
  private int probeSuccesses;
  private int probes;  // half-open probes in flight
  private long openUntil;
  private long generation;

  /** {@code clock}: wall-clock milliseconds, comparable across replicas. */
  public CircuitBreaker(GatewayConfig.CircuitBreaker settings, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
  }

  public synchronized State state() {
    if (state == State.OPEN && clock.getAsLong() >= openUntil) {
      return State.HALF_OPEN;  // lazily: the next tryAcquire makes it so
    }
    return state;
  }

  /** Milliseconds until the breaker lets a probe through; 0 when it would now. */
  public synchronized long remainingOpenMillis() {
    return state == State.OPEN ? Math.max(0, openUntil - clock.getAsLong()) : 0;
  }

  /** True when a request may go now; in half-open this takes one of the probe slots. */
  public synchronized boolean tryAcquire() {
    return acquire() >= 0;
  }

  /**
   * As {@link #tryAcquire}, answering the generation the request was admitted in (to hand back with its
   * outcome), or -1 when it may not go.
   */
  public synchronized long acquire() {
    switch (state) {
      case CLOSED -> {
        return generation;
      }
      case OPEN -> {
        if (clock.getAsLong() < openUntil) {
          return -1;
        }
        state = State.HALF_OPEN;
        generation++;
        probeSuccesses = 0;
        probes = 1;
        return generation;
      }
      default -> {
        if (probes >= settings.maxHalfOpen()) {
          return -1;
        }
        probes++;
        return generation;
      }
    }
  }

  /** Would a request be let through now? Changes nothing. */
  public synchronized boolean wouldAllow() {
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> clock.getAsLong() >= openUntil;
      case HALF_OPEN -> probes < settings.maxHalfOpen();
    };
  }

  public synchronized Change onSuccess() {
    return onSuccess(generation);
  }

  /** The outcome of a request admitted in {@code admittedIn}; ignored when the breaker has moved on since. */
  public synchronized Change onSuccess(long admittedIn) {
    if (admittedIn != generation) {
      return Change.NONE;
    }
    switch (state) {
      case CLOSED -> failures = 0;
      case HALF_OPEN -> {
        releaseProbe();
        if (++probeSuccesses >= settings.successThreshold()) {
          close();
          return Change.CLOSED;
        }
      }
      case OPEN -> { }  // a request admitted before the breaker opened: no say
    }
    return Change.NONE;
  }

  public synchronized Change onFailure() {
    return onFailure(generation);
  }

  public synchronized Change onFailure(long admittedIn) {
    if (admittedIn != generation) {
      return Change.NONE;
    }
    switch (state) {
      case CLOSED -> {
        if (++failures >= settings.failureThreshold()) {
          open(clock.getAsLong() + settings.openFor().toMillis());
          return Change.OPENED;
        }
      }
      case HALF_OPEN -> {
        open(clock.getAsLong() + settings.openFor().toMillis());
        return Change.OPENED;
      }
      case OPEN -> { }
    }
    return Change.NONE;
  }

  /** An admitted request that ended without a verdict (a 4xx, a client that left): frees its probe slot. */
  public synchronized void onNeutral() {
    onNeutral(generation);
  }

  public synchronized void onNeutral(long admittedIn) {
    if (admittedIn == generation && state == State.HALF_OPEN) {
      releaseProbe();
    }
  }

  private void releaseProbe() {
    if (probes > 0) {
      probes--;
    }
  }

  /** Another replica opened this target's breaker. */
  public synchronized void forceOpen(long untilMillis) {
    if (state != State.OPEN || untilMillis > openUntil) {
      open(untilMillis);
    }
  }

  /** Another replica closed it after its probes succeeded. */
  public synchronized void forceClose() {
    close();
  }

  /** Epoch millis until which it stays open (meaningful only when open). */
  public synchronized long openUntil() {
    return openUntil;
  }

  private void open(long until) {
    state = State.OPEN;
    generation++;
    openUntil = until;
    probes = 0;
    probeSuccesses = 0;
  }

  private void close() {
    state = State.CLOSED;
    generation++;
    failures = 0;
    probes = 0;
    probeSuccesses = 0;
  }
}
