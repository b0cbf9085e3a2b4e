package io.switchboard.routing.health;

/**
 * A change of a target's shared state: its breaker opened (until {@code untilMillis}) or closed, or it was
 * parked until {@code untilMillis}. Times are epoch milliseconds, so replicas can compare them.
 */
public record HealthEvent(Kind kind, String targetId, long untilMillis) {
  public enum Kind { OPENED, CLOSED, PARKED }

  /** {@code KIND targetId untilMillis}: the wire form on Redis. Target ids hold no spaces. */
  public String encode() {
    return kind.name() + ' ' + untilMillis + ' ' + targetId;
  }

  /** Null for a message this version does not understand. */
  public static HealthEvent decode(String text) {
    String[] parts = text.split(" ", 3);
    if (parts.length != 3) {
      return null;
    }
    try {
      return new HealthEvent(Kind.valueOf(parts[0]), parts[2], Long.parseLong(parts[1]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
