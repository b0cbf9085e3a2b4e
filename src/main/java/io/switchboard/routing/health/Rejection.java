package io.switchboard.routing.health;

/**
 * Why a target was skipped without an attempt. {@code retryAfterMillis} is how long until it might take
 * requests again (0 when unknown).
 */
public final class Rejection extends RuntimeException {
  public enum Reason { CIRCUIT_OPEN, PARKED, CONCURRENCY_LIMIT, DEADLINE }

  private final Reason reason;
  private final long retryAfterMillis;

  public Rejection(Reason reason, long retryAfterMillis) {
    super(reason.name(), null, false, false);
    this.reason = reason;
    this.retryAfterMillis = retryAfterMillis;
  }

  public Reason reason() {
    return reason;
  }

  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
