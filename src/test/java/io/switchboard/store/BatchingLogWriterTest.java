package io.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.testing.LogCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingLogWriterTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir
  Path dir;

  /** Records each insert call; optional gate and failures. */
  static final class FakeStore implements RequestLogStore {
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    final List<RequestLogRow> rows = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate;
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean closed;
    volatile Instant lastCutoff;

    @Override
    public void insert(List<RequestLogRow> batch) throws SQLException {
      calls.incrementAndGet();
      entered.countDown();
      CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new SQLException(e);
        }
      }
      if (failuresLeft.getAndDecrement() > 0) {
        throw new SQLException("database is down");
      }
      batchSizes.add(batch.size());
      rows.addAll(batch);
    }

    @Override
    public int deleteOlderThan(Instant cutoff) {
      lastCutoff = cutoff;
      return 0;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static BatchingLogWriter.Settings fast() {
    return new BatchingLogWriter.Settings(10_000, 500, Duration.ofMillis(200), 3, Duration.ofMillis(10),
        Duration.ofSeconds(10), null, Duration.ofHours(1));
  }

  @Test
  void writesInBatchesOfAtMostTheBatchSizeInOrder() throws Exception {
    FakeStore store = new FakeStore();
    store.gate = new CountDownLatch(1);
    BatchingLogWriter writer = new BatchingLogWriter(store, fast());
    List<RequestLogRow> rows = Rows.many(NOW, 1_201);
    writer.offer(rows.getFirst());
    assertThat(store.entered.await(5, TimeUnit.SECONDS)).isTrue();
    rows.subList(1, rows.size()).forEach(writer::offer);
    store.gate.countDown();
    writer.close();

    assertThat(store.rows).containsExactlyElementsOf(rows);
    assertThat(store.batchSizes).containsExactly(1, 500, 500, 200);
    assertThat(store.closed).isTrue();
    assertThat(writer.accepted()).isEqualTo(1_201);
    assertThat(writer.written()).isEqualTo(1_201);
    assertThat(writer.dropped()).isZero();
    assertThat(writer.failed()).isZero();
  }

  @Test
  void aQuietTrickleIsWrittenWithinTheFlushInterval() throws Exception {
    FakeStore store = new FakeStore();
    try (BatchingLogWriter writer = new BatchingLogWriter(store, fast())) {
      writer.offer(Rows.minimal(NOW, "one"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (writer.written() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(writer.written()).isEqualTo(1);
    }
  }

  @Test
  void aFullQueueCountsDropsInsteadOfBlocking() throws Exception {
    FakeStore store = new FakeStore();
    store.gate = new CountDownLatch(1);
    var settings = fast().withCapacity(10);
    BatchingLogWriter writer = new BatchingLogWriter(store, settings);
    writer.offer(Rows.minimal(NOW, "first"));
    assertThat(store.entered.await(5, TimeUnit.SECONDS)).isTrue();
    int refused = 0;
    for (RequestLogRow row : Rows.many(NOW, 15)) {
      if (!writer.offer(row)) {
        refused++;
      }
    }
    assertThat(refused).isEqualTo(5);
    assertThat(writer.dropped()).isEqualTo(5);
    assertThat(writer.accepted()).isEqualTo(11);
    assertThat(writer.queued()).isEqualTo(10);
    store.gate.countDown();
    writer.close();
    assertThat(writer.written()).isEqualTo(11);
    assertThat(writer.failed()).isZero();
  }

  @Test
  void droppingIsReportedOnceAndThenRateLimited() throws Exception {
    LogCapture log = LogCapture.of(BatchingLogWriter.class);
    FakeStore store = new FakeStore();
    store.gate = new CountDownLatch(1);
    try {
      BatchingLogWriter writer = new BatchingLogWriter(store, fast().withCapacity(2));
      writer.offer(Rows.minimal(NOW, "first"));
      assertThat(store.entered.await(5, TimeUnit.SECONDS)).isTrue();
      Rows.many(NOW, 12).forEach(writer::offer);
      store.gate.countDown();
      writer.close();
      assertThat(writer.dropped()).isEqualTo(10);
      assertThat(log.events()).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
          .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .singleElement().asString().contains("dropped 1 row(s)", "queue is full", "capacity 2");
    } finally {
      log.close();
    }
  }

  @Test
  void aFailingBatchIsRetriedAndThenCountedAsFailed() {
    FakeStore store = new FakeStore();
    store.failuresLeft.set(2);
    BatchingLogWriter writer = new BatchingLogWriter(store, fast());
    writer.offer(Rows.minimal(NOW, "retried"));
    writer.close();
    assertThat(writer.written()).isEqualTo(1);
    assertThat(store.calls.get()).isEqualTo(3);

    FakeStore broken = new FakeStore();
    broken.failuresLeft.set(Integer.MAX_VALUE);
    BatchingLogWriter lossy = new BatchingLogWriter(broken, fast());
    lossy.offer(Rows.minimal(NOW, "lost"));
    lossy.close();
    assertThat(lossy.written()).isZero();
    assertThat(lossy.failed()).isEqualTo(1);
    assertThat(broken.calls.get()).isEqualTo(3);
  }

  @Test
  void offersAfterCloseAreDropped() {
    BatchingLogWriter writer = new BatchingLogWriter(new FakeStore(), fast());
    writer.close();
    assertThat(writer.offer(Rows.minimal(NOW, "late"))).isFalse();
    assertThat(writer.dropped()).isEqualTo(1);
  }

  @Test
  void closeGivesUpAfterItsTimeoutAndCountsWhatIsLeft() {
    FakeStore store = new FakeStore();
    store.gate = new CountDownLatch(1);
    var settings = new BatchingLogWriter.Settings(100, 500, Duration.ofMillis(200), 1, Duration.ZERO,
        Duration.ofMillis(200), null, Duration.ofHours(1));
    BatchingLogWriter writer = new BatchingLogWriter(store, settings);
    writer.offer(Rows.minimal(NOW, "stuck"));
    try {
      store.entered.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    Rows.many(NOW, 20).forEach(writer::offer);
    writer.close();
    assertThat(writer.failed()).isEqualTo(20);
    store.gate.countDown();
  }

  @Test
  void retentionRunsAtStartWithTheConfiguredAge() throws Exception {
    FakeStore store = new FakeStore();
    var settings = fast().withRetention(Duration.ofDays(7));
    try (BatchingLogWriter writer = new BatchingLogWriter(store, settings, () -> NOW)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (store.lastCutoff == null && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertThat(store.lastCutoff).isEqualTo(NOW.minus(Duration.ofDays(7)));
  }

  @Test
  void retentionDeletesOldRowsFromSqlite() throws Exception {
    Path file = dir.resolve("log.db");
    Instant now = Instant.now();
    try (var store = new SqliteRequestLogStore(file)) {
      store.insert(List.of(Rows.minimal(now.minus(Duration.ofDays(30)), "old"),
          Rows.minimal(now.minus(Duration.ofHours(1)), "recent")));
    }
    BatchingLogWriter writer = new BatchingLogWriter(new SqliteRequestLogStore(file),
        fast().withRetention(Duration.ofDays(7)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (writer.purged() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    writer.close();
    assertThat(writer.purged()).isEqualTo(1);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      assertThat(SqliteRequestLogStoreTest.read(c, RequestLogStore.DEFAULT_TABLE))
          .extracting(RequestLogRow::requestId).containsExactly("recent");
    }
  }

  @Test
  void closeFlushesEveryQueuedRowToSqlite() throws Exception {
    Path file = dir.resolve("log.db");
    BatchingLogWriter writer = new BatchingLogWriter(new SqliteRequestLogStore(file),
        BatchingLogWriter.Settings.defaults());
    for (RequestLogRow row : Rows.many(NOW, 5_000)) {
      assertThat(writer.offer(row)).isTrue();
    }
    writer.close();
    assertThat(writer.written()).isEqualTo(5_000);
    assertThat(writer.failed()).isZero();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      assertThat(Rows.count(c, RequestLogStore.DEFAULT_TABLE)).isEqualTo(5_000);
    }
  }

  @Test
  void closeDoesNotWaitOutALongFlushInterval() throws Exception {
    FakeStore store = new FakeStore();
    var settings = new BatchingLogWriter.Settings(100, 500, Duration.ofHours(1), 1, Duration.ZERO,
        Duration.ofSeconds(5), null, Duration.ofHours(1));
    BatchingLogWriter idle = new BatchingLogWriter(new FakeStore(), settings);
    BatchingLogWriter writer = new BatchingLogWriter(store, settings);
    for (RequestLogRow row : Rows.many(NOW, 3)) {
      writer.offer(row);
    }
    long start = System.nanoTime();
    idle.close();
    writer.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(writer.written()).isEqualTo(3);
    assertThat(writer.failed()).isZero();
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> BatchingLogWriter.Settings.defaults().withCapacity(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity: 0 (expected: > 0)");
    assertThatThrownBy(() -> BatchingLogWriter.Settings.defaults().withRetention(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("retention: PT-1S (expected: > 0)");
  }
}
