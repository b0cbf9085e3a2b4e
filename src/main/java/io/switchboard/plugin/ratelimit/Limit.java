package io.switchboard.plugin.ratelimit;

import java.math.BigDecimal;

/**
 * One configured limit as a token bucket: {@code capacity} tokens, refilled continuously at
 * {@code perMilli} tokens a millisecond. A request limit takes one token per request; a token limit admits
 * a request while its bucket is above zero and is debited by the tokens the answer used.
 *
 * @param field the config field that set it, named in denials and Redis keys
 * @param message the start of a denial's message, ending in "retry in "
 */
record Limit(String field, Kind kind, Scope scope, double capacity, double perMilli, String message) {
  /** Slack for the rounding of many small refills: 0.9999999999 tokens is one token. */
  private static final double EPSILON = 1e-9;

  enum Kind {
    REQUESTS,
    TOKENS
  }

  /** {@code requests_per_second} with its {@code burst}. */
  static Limit perSecond(double rps, int burst, Scope scope) {
    String who = switch (scope) {
      case GLOBAL -> "";
      case KEY -> " per API key";
      case USER -> " per user";
      case MODEL -> " per model";
    };
    return new Limit("requests_per_second", Kind.REQUESTS, scope, burst, rps / 1000,
        "rate limit exceeded: requests_per_second (" + plain(rps) + " requests per second" + who + ", burst "
            + burst + "); retry in ");
  }

  static Limit perMinute(String field, Kind kind, Scope scope, long perMinute) {
    String unit = kind == Kind.REQUESTS ? " requests" : " tokens";
    String who = scope == Scope.KEY ? " per API key" : " per user";
    return new Limit(field, kind, scope, perMinute, perMinute / 60_000.0,
        "rate limit exceeded: " + field + " (" + perMinute + unit + " per minute" + who + "); retry in ");
  }

  /** What a request takes from the bucket on admission. */
  double cost() {
    return kind == Kind.REQUESTS ? 1 : 0;
  }

  /** Whether a bucket holding {@code tokens} admits a request. */
  boolean admits(double tokens) {
    return kind == Kind.REQUESTS ? tokens >= 1 - EPSILON : tokens > EPSILON;
  }

  /** Milliseconds until a bucket holding {@code tokens} admits a request (0 when it does now). */
  long waitMillis(double tokens) {
    if (admits(tokens)) {
      return 0;
    }
    double missing = kind == Kind.REQUESTS ? 1 - tokens : -tokens;
    // +1: a token bucket at exactly zero does not admit a token request yet
    return (long) Math.ceil(missing / perMilli - EPSILON) + (kind == Kind.TOKENS ? 1 : 0);
  }

  /** Milliseconds until a bucket holding {@code tokens} is full again: the x-ratelimit-reset-* value. */
  long resetMillis(double tokens) {
    return tokens >= capacity ? 0 : (long) Math.ceil((capacity - tokens) / perMilli);
  }

  /** The limit as the x-ratelimit-limit-* header states it. */
  long headerLimit() {
    return (long) capacity;
  }

  static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
