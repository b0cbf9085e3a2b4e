package io.switchboard.plugin.budget;

import io.switchboard.plugin.budget.Period.Window;
import io.switchboard.plugin.budget.Spend.Spent;
import io.switchboard.plugin.budget.Spend.Subjects;
import io.vertx.core.Future;

/** Where spend is counted: in this process, or in Redis for every replica. Thread-safe. */
interface SpendStore {
  /** What the subjects spent in the window so far. */
  Future<Spent> spent(Subjects subjects, Window window);

  /** Adds a request's cost to each of its subjects; never blocks, never throws (a failure is logged). */
  void add(Subjects subjects, Window window, long nanos);

  default Future<Void> start() {
    return Future.succeededFuture();
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
