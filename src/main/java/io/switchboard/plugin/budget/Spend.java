package io.switchboard.plugin.budget;

/**
 * What one request is counted against, and what was spent there in the current period, in nano-dollars
 * (integers, so Redis adds them exactly with INCRBY and a sum never drifts).
 */
final class Spend {
  /** Nano-dollars per dollar. */
  static final double NANOS = 1e9;

  private Spend() {}

  /**
   * The budgets one request touches: always its key; its user only when users have a limit and it named one;
   * its key and model only when that model has a limit.
   */
  record Subjects(String keyId, String user, String model) {}

  /** Spent so far on each subject; 0 for a subject the request does not have. */
  record Spent(long key, long user, long model) {}

  static long nanos(double dollars) {
    return Math.round(dollars * NANOS);
  }
}
