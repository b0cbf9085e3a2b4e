package io.switchboard.plugin.ratelimit;

/**
 * The outcome of checking every applicable limit of one request.
 *
 * @param limiting the index of the limit that denied with the longest wait, or -1 when allowed
 * @param waitMillis how long until every denying limit admits, 0 when allowed
 * @param tokens what each limit's bucket holds after the check (NaN for a limit that does not apply)
 */
record Decision(boolean allowed, int limiting, long waitMillis, double[] tokens) {
  /** Judges buckets already refilled: allowed only when all admit, and then each is charged its cost. */
  static Decision judge(Limit[] limits, double[] tokens) {
    int limiting = -1;
    long wait = 0;
    for (int i = 0; i < limits.length; i++) {
      if (!Double.isNaN(tokens[i])) {
        long w = limits[i].waitMillis(tokens[i]);
        if (w > wait) {
          wait = w;
          limiting = i;
        }
      }
    }
    if (limiting < 0) {
      for (int i = 0; i < limits.length; i++) {
        tokens[i] -= limits[i].cost();  // NaN stays NaN
      }
    }
    return new Decision(limiting < 0, limiting, wait, tokens);
  }
}
