package io.switchboard.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves request-log rows from the event loop to a {@link RequestLogStore}. {@link #offer} never blocks: a
 * full queue drops the row, counts it and warns (at most every 10 s). One writer thread drains the queue in
 * batches, retries a failed batch with backoff and then counts its rows as failed. {@link #close} (run on
 * SIGTERM) flushes what is queued, within a timeout, then closes the store.
 */
public final class BatchingLogWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingLogWriter.class);
  private static final long DROP_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** The longest the writer waits without looking at {@code closing}. */
  private static final long WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** How long a filling batch sleeps between drains: short enough that a busy queue never nears capacity. */
  private static final long FILL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /**
   * How the writer batches and retries. {@code retention} is optional (null: keep everything); when set,
   * rows older than it are deleted once at start and then every {@code retentionInterval}.
   */
  public record Settings(
      int capacity,
      int batchSize,
      Duration flushInterval,
      int maxAttempts,
      Duration retryBackoff,
      Duration closeTimeout,
      Duration retention,
      Duration retentionInterval) {

    public Settings {
      positive("capacity", capacity);
      positive("batchSize", batchSize);
      positive("maxAttempts", maxAttempts);
      positive("flushInterval", flushInterval);
      nonNegative("retryBackoff", retryBackoff);
      nonNegative("closeTimeout", closeTimeout);
      positive("retentionInterval", retentionInterval);
      if (retention != null) {
        positive("retention", retention);
      }
    }

    public static Settings defaults() {
      return new Settings(10_000, 500, Duration.ofMillis(200), 4, Duration.ofMillis(250), Duration.ofSeconds(10),
          null, Duration.ofHours(1));
    }

    public Settings withCapacity(int capacity) {
      return new Settings(capacity, batchSize, flushInterval, maxAttempts, retryBackoff, closeTimeout, retention,
          retentionInterval);
    }

    public Settings withRetention(Duration retention) {
      return new Settings(capacity, batchSize, flushInterval, maxAttempts, retryBackoff, closeTimeout, retention,
          retentionInterval);
    }

    private static void positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
    }

    private static void positive(String name, Duration value) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
    }

    private static void nonNegative(String name, Duration value) {
      requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
      }
    }
  }

  private final RequestLogStore store;
  private final Settings settings;
  private final InstantSource clock;
  private final BlockingQueue<RequestLogRow> queue;
  private final Thread thread;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong purged = new AtomicLong();
  private final AtomicLong lastDropWarnNanos = new AtomicLong();
  private final AtomicLong droppedAtLastWarn = new AtomicLong();
  private volatile boolean closing;
  private volatile boolean abandoned;
  private boolean closed;

  public BatchingLogWriter(RequestLogStore store, Settings settings) {
    this(store, settings, InstantSource.system());
  }

  BatchingLogWriter(RequestLogStore store, Settings settings, InstantSource clock) {
    this.store = requireNonNull(store, "store");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.queue = new ArrayBlockingQueue<>(settings.capacity());
    // A platform thread: SQLite's native calls would pin a virtual thread's carrier for every write anyway.
    this.thread = Thread.ofPlatform().name("sb-request-rows").daemon(true).unstarted(this::run);
    thread.start();
  }

  /** Queues a row for writing; false (and counted in {@link #dropped()}) when the queue is full or closed. */
  public boolean offer(RequestLogRow row) {
    requireNonNull(row, "row");
    if (!closing && queue.offer(row)) {
      accepted.incrementAndGet();
      return true;
    }
    long total = dropped.incrementAndGet();
    warnDropping(total);
    return false;
  }

  private void warnDropping(long total) {
    long now = System.nanoTime();
    long last = lastDropWarnNanos.get();
    // 0 means "never warned"; a clock reading of exactly 0 is nudged to 1 so it doesn't look like that.
    if ((last == 0 || now - last >= DROP_WARN_INTERVAL_NANOS) && lastDropWarnNanos.compareAndSet(last, now == 0 ? 1 : now)) {
      long since = total - droppedAtLastWarn.getAndSet(total);
      LOG.warn("request log: dropped {} row(s) since the last warning, {} in total: {} (capacity {})", since, total,
          closing ? "the writer is closed" : "the queue is full; the database is too slow or unreachable",
          settings.capacity());
    }
  }

  /** Rows taken into the queue. */
  public long accepted() {
    return accepted.get();
  }

  /** Rows committed to the store. */
  public long written() {
    return written.get();
  }

  /** Rows refused because the queue was full (or the writer closed). */
  public long dropped() {
    return dropped.get();
  }

  /** Rows accepted but lost: their batch failed every attempt, or they were still queued when close timed out. */
  public long failed() {
    return failed.get();
  }

  /** Rows deleted by retention. */
  public long purged() {
    return purged.get();
  }

  /** Rows waiting in the queue now. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    List<RequestLogRow> batch = new ArrayList<>(settings.batchSize());
    long nextRetention = System.nanoTime();
    while (true) {
      if (settings.retention() != null && System.nanoTime() - nextRetention >= 0 && !closing) {
        purge();
        nextRetention = System.nanoTime() + settings.retentionInterval().toNanos();
      }
      try {
        fill(batch);
      } catch (InterruptedException e) {
        // Nobody interrupts this thread on purpose; keep flushing rather than lose rows.
        Thread.interrupted();
      }
      if (batch.isEmpty()) {
        if (closing) {
          return;
        }
        continue;
      }
      write(batch);
      batch.clear();
    }
  }

  /**
   * Waits up to one flush interval for a first row, then collects more until the batch is full or the
   * interval since that first row has passed. While closing it never waits: it only drains. Waits are cut
   * into short slices so a close is noticed soon even with a long flush interval.
   *
   * <p>Only the wait for a first row blocks on the queue. While a batch fills, the thread sleeps between
   * drains instead: a thread blocked on the queue is woken by every offer, which at thousands of requests a
   * second costs each request a context switch and the event loops a syscall each.
   */
  private void fill(List<RequestLogRow> batch) throws InterruptedException {
    long interval = settings.flushInterval().toNanos();
    RequestLogRow first = closing ? queue.poll() : queue.poll(Math.min(interval, WAKE_NANOS), TimeUnit.NANOSECONDS);
    if (first == null) {
      return;
    }
    batch.add(first);
    long deadline = System.nanoTime() + interval;
    while (batch.size() < settings.batchSize()) {
      queue.drainTo(batch, settings.batchSize() - batch.size());
      long left = deadline - System.nanoTime();
      if (batch.size() >= settings.batchSize() || closing || left <= 0) {
        return;
      }
      LockSupport.parkNanos(Math.min(left, FILL_SLICE_NANOS));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private void write(List<RequestLogRow> batch) {
    Exception last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts() && !abandoned; attempt++) {
      try {
        store.insert(batch);
        written.addAndGet(batch.size());
        return;
      } catch (Exception e) {
        last = e;
        if (attempt < settings.maxAttempts()) {
          LOG.debug("request log: writing {} row(s) failed (attempt {}), retrying", batch.size(), attempt, e);
          sleep(settings.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 10)));
        }
      }
    }
    failed.addAndGet(batch.size());
    LOG.warn("request log: lost {} row(s) after {} attempt(s); {} lost in total", batch.size(), settings.maxAttempts(),
        failed.get(), last);
  }

  private void purge() {
    try {
      int deleted = store.deleteOlderThan(clock.instant().minus(settings.retention()));
      purged.addAndGet(deleted);
      if (deleted > 0) {
        LOG.info("request log: retention {} deleted {} old row(s)", settings.retention(), deleted);
      }
    } catch (Exception e) {
      LOG.warn("request log: retention cleanup failed, will try again in {}", settings.retentionInterval(), e);
    }
  }

  private void sleep(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    long left;
    while (!abandoned && (left = end - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      } catch (InterruptedException e) {
        Thread.interrupted();
      }
    }
  }

  /**
   * Stops accepting rows, writes everything still queued (waiting at most the close timeout), then closes
   * the store. Rows that could not be written in time are counted in {@link #failed()} and reported.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closing = true;
    boolean finished = join(settings.closeTimeout());
    if (!finished) {
      abandoned = true;
    }
    // Normally empty; after a timeout, or an offer that raced with close, these rows are lost: say so.
    List<RequestLogRow> rest = new ArrayList<>();
    queue.drainTo(rest);
    failed.addAndGet(rest.size());
    if (!finished) {
      LOG.warn("request log: close timed out after {}; {} queued row(s) not written", settings.closeTimeout(),
          rest.size());
      // Give the in-flight batch a moment to end its attempt before the connection goes away.
      join(Duration.ofSeconds(1));
    } else if (!rest.isEmpty()) {
      LOG.warn("request log: {} row(s) arrived while closing and were not written", rest.size());
    }
    try {
      store.close();
    } catch (Exception e) {
      LOG.warn("request log: closing the store failed", e);
    }
    LOG.info("request log: closed; accepted {}, written {}, dropped {}, failed {}", accepted(), written(), dropped(),
        failed());
  }

  private boolean join(Duration timeout) {
    try {
      return thread.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !thread.isAlive();
    }
  }
}
