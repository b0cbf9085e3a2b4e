package io.switchboard.routing.health;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * At most {@code max} requests in flight to one target across every event loop, and up to
 * {@code queueSize} more waiting in FIFO order. A freed slot passes straight to the oldest waiter,
 * completed on that waiter's own event loop. The lock guards a counter and a queue, never I/O.
 */
public final class ConcurrencyLimiter {
  private final int max;
  private final int queueSize;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private int inFlight;

  public ConcurrencyLimiter(int max, int queueSize) {
    this.max = max;
    this.queueSize = queueSize;
  }

  private static final class Waiter {
    final Promise<Void> promise = Promise.promise();
    final Context context;
    final Vertx vertx;
    long timer = -1;

    Waiter(Vertx vertx, Context context) {
      this.vertx = vertx;
      this.context = context;
    }
  }

  /**
   * A slot now, or after waiting at most {@code waitMillis}; fails with a {@link Rejection} when the queue
   * is full ({@code CONCURRENCY_LIMIT}) or the wait ran out ({@code DEADLINE}). Each success must be
   * matched by exactly one {@link #release}.
   */
  public Future<Void> acquire(Vertx vertx, long waitMillis) {
    Waiter waiter;
    synchronized (this) {
      if (inFlight < max) {
        inFlight++;
        return Future.succeededFuture();
      }
      if (queue.size() >= queueSize) {
        return Future.failedFuture(new Rejection(Rejection.Reason.CONCURRENCY_LIMIT, 0));
      }
      if (waitMillis <= 0) {
        return Future.failedFuture(new Rejection(Rejection.Reason.DEADLINE, 0));
      }
      waiter = new Waiter(vertx, vertx.getOrCreateContext());
      queue.addLast(waiter);
    }
    waiter.timer = vertx.setTimer(waitMillis, id -> {
      boolean removed;
      synchronized (this) {
        removed = queue.remove(waiter);
      }
      if (removed) {
        waiter.promise.tryFail(new Rejection(Rejection.Reason.DEADLINE, 0));
      }
    });
    return waiter.promise.future();
  }

  /** Frees a slot, handing it to the oldest waiter if there is one. */
  public void release() {
    Waiter next;
    synchronized (this) {
      next = queue.pollFirst();
      if (next == null) {
        if (inFlight > 0) {
          inFlight--;
        }
        return;
      }
    }
    // The slot moves to the waiter as it is; it runs on its own event loop.
    next.context.runOnContext(v -> {
      next.vertx.cancelTimer(next.timer);
      if (!next.promise.tryComplete()) {
        release();
      }
    });
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int waiting() {
    return queue.size();
  }
}
