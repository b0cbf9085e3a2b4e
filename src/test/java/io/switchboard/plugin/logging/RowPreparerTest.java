package io.switchboard.plugin.logging;

import static io.switchboard.plugin.logging.RequestLoggerOffLoopTest.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.store.RequestLogRow;
import io.switchboard.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RowPreparerTest {
  final List<RequestLogRow> emitted = new CopyOnWriteArrayList<>();
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  RowPreparer preparer;

  @AfterEach
  void close() {
    release.countDown();
    preparer.close(Duration.ofSeconds(10));
  }

  static Ended ended(String requestId) {
    return new Ended(Instant.EPOCH, requestId, null, null, "m", null, null, null);
  }

  /** Bodies of requests named "slow..." wait for {@link #release}. */
  RowPreparer preparer(int capacity, long maxBytes) {
    return new RowPreparer(
        e -> new RequestLogRow(e.now(), e.requestId(), null, null, "m", null, null, null, 200, 1, null, null, null,
            null, null, 1, null, null, null),
        (head, e) -> {
          if (e.requestId().startsWith("slow")) {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
            }
          }
          return head.withBodies("request of " + e.requestId(), "answer");
        },
        (e, row) -> emitted.add(row), true, capacity, maxBytes);
  }

  List<String> ids() {
    return emitted.stream().map(RequestLogRow::requestId).toList();
  }

  @Test
  void rowsComeOutInOrderWithTheirBodies() throws Exception {
    preparer = preparer(100, 1000);
    for (int i = 0; i < 50; i++) {
      assertThat(preparer.offer(ended("r" + i), 10)).isTrue();
    }
    awaitCondition(() -> emitted.size() == 50);
    assertThat(ids()).isEqualTo(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "r" + i).toList());
    assertThat(emitted).allMatch(r -> r.requestBody().equals("request of " + r.requestId()));
    awaitCondition(() -> preparer.heldBytes() == 0);
  }

  @Test
  void requestsOverTheByteBudgetAreRefusedButOneBigOneAloneIsTaken() throws Exception {
    LogCapture warnings = LogCapture.of(RowPreparer.class);
    try {
      preparer = preparer(10, 100);
      assertThat(preparer.offer(ended("slow"), 500)).as("alone, bigger than the budget").isTrue();
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(preparer.offer(ended("small"), 1)).as("while the big one is held").isFalse();
      assertThat(preparer.offer(ended("other"), 1)).isFalse();
      release.countDown();
      awaitCondition(() -> preparer.heldBytes() == 0);
      assertThat(preparer.offer(ended("a"), 60)).isTrue();

      awaitCondition(() -> emitted.size() == 2);
      assertThat(ids()).containsExactly("slow", "a");
      assertThat(preparer.refused()).isEqualTo(2);
      assertThat(warnings.events()).singleElement()  // at most one warning every 10 s
          .extracting(e -> e.getFormattedMessage()).asString()
          .contains("1 row(s) in total built on the event loop without their bodies",
              "more than 100 bytes of bodies");
    } finally {
      warnings.close();
    }
  }

  @Test
  void aFullQueueRefusesByCount() throws Exception {
    preparer = preparer(2, Long.MAX_VALUE / 8);
    assertThat(preparer.offer(ended("slow"), 0)).isTrue();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();  // taken off the queue
    assertThat(preparer.offer(ended("b"), 0)).isTrue();
    assertThat(preparer.offer(ended("c"), 0)).isTrue();
    assertThat(preparer.offer(ended("d"), 0)).isFalse();
    release.countDown();
    awaitCondition(() -> emitted.size() == 3);
    assertThat(ids()).containsExactly("slow", "b", "c");
    assertThat(preparer.refused()).isEqualTo(1);
  }

  @Test
  void closeWaitsForTheQueueAndThenRefuses() {
    preparer = preparer(100, 1000);
    for (int i = 0; i < 20; i++) {
      preparer.offer(ended("r" + i), 1);
    }
    preparer.close(Duration.ofSeconds(30));

    assertThat(emitted).hasSize(20).allMatch(r -> r.requestBody() != null);
    assertThat(preparer.offer(ended("late"), 1)).isFalse();
  }

  @Test
  void aPreparationStuckAtCloseStillGivesExactlyOneRowWithoutBodies() throws Exception {
    preparer = preparer(100, 1000);
    preparer.offer(ended("slow"), 1);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    preparer.offer(ended("x"), 1);
    preparer.offer(ended("y"), 1);

    preparer.close(Duration.ofMillis(50));

    assertThat(ids()).containsExactly("slow", "x", "y");
    assertThat(emitted).allMatch(r -> r.requestBody() == null);
    release.countDown();
    awaitCondition(() -> preparer.heldBytes() == 0);  // the stuck one finished over there
    assertThat(ids()).containsExactly("slow", "x", "y");
  }
}
