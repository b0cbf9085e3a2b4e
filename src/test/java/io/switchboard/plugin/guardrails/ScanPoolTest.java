package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScanPoolTest {
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void textUpToTheLimitStaysOnTheLoop() {
    ScanPool shared = ScanPool.shared(vertx);
    assertThat(shared.offLoop(0)).isFalse();
    assertThat(shared.offLoop(ScanPool.ON_LOOP_LIMIT)).isFalse();
    assertThat(shared.offLoop(ScanPool.ON_LOOP_LIMIT + 1)).isTrue();
    assertThat(ScanPool.onLoop().offLoop(Long.MAX_VALUE)).isFalse();
    assertThat(ScanPool.withLimit(vertx, 0).offLoop(1)).isTrue();
    assertThatThrownBy(() -> ScanPool.withLimit(vertx, -1)).hasMessage("onLoopLimit: -1 (expected: >= 0)");
    shared.close();
  }

  @Test
  void aCheckRunsOnThePoolAndItsResultComesBackOnTheCallersContext() throws Exception {
    ScanPool pool = ScanPool.shared(vertx);
    Context loop = vertx.getOrCreateContext();
    CompletableFuture<String> ranOn = new CompletableFuture<>();
    CompletableFuture<Boolean> backOnLoop = new CompletableFuture<>();
    loop.runOnContext(v -> pool.submit(() -> Thread.currentThread().getName()).onComplete(ar -> {
      ranOn.complete(ar.result());
      backOnLoop.complete(Vertx.currentContext() == loop && Context.isOnEventLoopThread());
    }));

    assertThat(ranOn.get(10, TimeUnit.SECONDS)).startsWith(ScanPool.NAME);
    assertThat(backOnLoop.get(10, TimeUnit.SECONDS)).isTrue();
    pool.close();
  }

  @Test
  void aThrowFailsTheFutureWithTheSameException() throws Exception {
    ScanPool pool = ScanPool.withLimit(vertx, 0);
    ApiException denial = new ApiException(400, "invalid_request_error", "request_rejected", null, "no");
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    pool.submit(() -> {
      throw denial;
    }).onComplete(ar -> failure.complete(ar.cause()));

    assertThat(failure.get(10, TimeUnit.SECONDS)).isSameAs(denial);
    pool.close();
  }

  @Test
  void closingOneGuardrailsHoldLeavesTheOthersThreads() throws Exception {
    ScanPool first = ScanPool.shared(vertx);
    ScanPool second = ScanPool.shared(vertx);
    first.close().await(10, TimeUnit.SECONDS);

    assertThat(second.submit(() -> "still here").await(10, TimeUnit.SECONDS)).isEqualTo("still here");
    second.close().await(10, TimeUnit.SECONDS);
    assertThat(ScanPool.onLoop().close().succeeded()).isTrue();
  }
}
