package io.switchboard.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConcurrencyLimiterTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Runs on an event loop, as the gateway does. */
  <T> T onLoop(Supplier<T> action) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    vertx.runOnContext(v -> out.complete(action.get()));
    return out.get(5, TimeUnit.SECONDS);
  }

  @Test
  void queuesFifoAndRejectsBeyondTheQueue() throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 2);
    List<String> order = new ArrayList<>();
    Future<Void> first = onLoop(() -> limiter.acquire(vertx, 5_000));
    Future<Void> second = onLoop(() -> limiter.acquire(vertx, 5_000).onSuccess(v -> order.add("second")));
    Future<Void> third = onLoop(() -> limiter.acquire(vertx, 5_000).onSuccess(v -> order.add("third")));
    Future<Void> fourth = onLoop(() -> limiter.acquire(vertx, 5_000));
    assertThat(first.succeeded()).isTrue();
    assertThat(fourth.failed()).isTrue();
    assertThat(((Rejection) fourth.cause()).reason()).isEqualTo(Rejection.Reason.CONCURRENCY_LIMIT);
    assertThat(limiter.waiting()).isEqualTo(2);

    limiter.release();
    second.await(5, TimeUnit.SECONDS);
    limiter.release();
    third.await(5, TimeUnit.SECONDS);
    assertThat(order).containsExactly("second", "third");
    assertThat(limiter.inFlight()).isEqualTo(1);  // the slot passed along, never freed in between
    limiter.release();
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void waitersGiveUpAtTheirDeadlineAndLeaveTheQueue() throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 5);
    onLoop(() -> limiter.acquire(vertx, 5_000));
    Future<Void> waiting = onLoop(() -> limiter.acquire(vertx, 50));
    assertThat(waiting.transform(Future::succeededFuture).await(5, TimeUnit.SECONDS).failed()).isTrue();
    assertThat(((Rejection) waiting.cause()).reason()).isEqualTo(Rejection.Reason.DEADLINE);
    assertThat(limiter.waiting()).isZero();
    limiter.release();
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void noQueueMeansImmediateRejection() throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 0);
    onLoop(() -> limiter.acquire(vertx, 1000));
    onLoop(() -> limiter.acquire(vertx, 1000));
    Future<Void> third = onLoop(() -> limiter.acquire(vertx, 1000));
    assertThat(((Rejection) third.cause()).reason()).isEqualTo(Rejection.Reason.CONCURRENCY_LIMIT);
  }
}
