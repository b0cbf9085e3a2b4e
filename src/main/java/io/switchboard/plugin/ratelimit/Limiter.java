package io.switchboard.plugin.ratelimit;

import io.vertx.core.Future;

/** Where the buckets live: in this process, or in Redis shared by every replica. */
interface Limiter {
  /**
   * Checks every applicable limit and, only when all admit, charges each: {@code subjects[i]} names the
   * bucket of limit {@code i}, or is null when that limit does not apply to the request.
   */
  Future<Decision> acquire(String[] subjects);

  /** Takes {@code tokens} from a token limit's bucket after the answer reported its usage. */
  void debit(int limit, String subject, long tokens);

  default Future<Void> start() {
    return Future.succeededFuture();
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
