package io.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class LoopTimersTest {
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code body} on the context's event loop and returns its result. */
  private <T> T onLoop(Supplier<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(body.get());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void firesOnTheArmingContextAfterItsDelay() throws Exception {
    CompletableFuture<Long> fired = new CompletableFuture<>();
    CompletableFuture<Boolean> sameContext = new CompletableFuture<>();
    long start = System.nanoTime();
    onLoop(() -> LoopTimers.schedule(vertx, 50, () -> {
      fired.complete(System.nanoTime());
      sameContext.complete(Vertx.currentContext() == context);
    }));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(fired.get(5, TimeUnit.SECONDS) - start);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(50);
    assertThat(sameContext.get()).isTrue();
  }

  @Test
  void aCancelledTimeoutNeverFiresAndALaterOneOfTheSameDelayStillDoes() throws Exception {
    List<String> fired = new CopyOnWriteArrayList<>();
    CountDownLatch last = new CountDownLatch(1);
    long start = System.nanoTime();
    long[] secondArmedAt = new long[1];
    onLoop(() -> {
      LoopTimers.Timeout first = LoopTimers.schedule(vertx, 100, () -> fired.add("first"));
      first.cancel();
      first.cancel();  // twice is harmless
      return null;
    });
    Thread.sleep(40);
    CompletableFuture<Long> secondAt = new CompletableFuture<>();
    onLoop(() -> {
      secondArmedAt[0] = System.nanoTime();
      return LoopTimers.schedule(vertx, 100, () -> {
        fired.add("second");
        secondAt.complete(System.nanoTime());
        last.countDown();
      });
    });
    assertThat(last.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fired).containsExactly("second");
    // The wake-up armed for the cancelled head must not fire the later entry early.
    assertThat(TimeUnit.NANOSECONDS.toMillis(secondAt.get() - secondArmedAt[0])).isGreaterThanOrEqualTo(100);
    assertThat(TimeUnit.NANOSECONDS.toMillis(secondAt.get() - start)).isGreaterThanOrEqualTo(140);
  }

  @Test
  void entriesOfOneDelayFireInOrderAndOthersIndependently() throws Exception {
    List<Integer> fired = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(4);
    onLoop(() -> {
      for (int i = 0; i < 3; i++) {
        int n = i;
        LoopTimers.schedule(vertx, 30, () -> {
          fired.add(n);
          all.countDown();
        });
      }
      LoopTimers.schedule(vertx, 10, () -> {
        fired.add(-1);
        all.countDown();
      });
      return null;
    });
    assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fired).containsExactly(-1, 0, 1, 2);
  }

  @Test
  void cancellingInTheMiddleKeepsTheRestLinked() throws Exception {
    List<Integer> fired = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(2);
    onLoop(() -> {
      LoopTimers.Timeout[] t = new LoopTimers.Timeout[3];
      for (int i = 0; i < 3; i++) {
        int n = i;
        t[i] = LoopTimers.schedule(vertx, 20, () -> {
          fired.add(n);
          done.countDown();
        });
      }
      t[1].cancel();
      return null;
    });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50);
    assertThat(fired).containsExactly(0, 2);
  }

  @Test
  void canBeCancelledFromAnotherThread() throws Exception {
    List<String> fired = new CopyOnWriteArrayList<>();
    LoopTimers.Timeout timeout = onLoop(() -> LoopTimers.schedule(vertx, 80, () -> fired.add("x")));
    timeout.cancel();  // this test thread is not the event loop
    Thread.sleep(200);
    assertThat(fired).isEmpty();
  }

  @Test
  void offAnEventLoopItFallsBackToAVertxTimer() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    LoopTimers.schedule(vertx, 10, fired::countDown);
    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    List<String> cancelled = new CopyOnWriteArrayList<>();
    LoopTimers.schedule(vertx, 50, () -> cancelled.add("x")).cancel();
    Thread.sleep(150);
    assertThat(cancelled).isEmpty();
  }
}
