package io.switchboard.plugin.logging;

import io.switchboard.store.RequestLogRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds request-log rows on its own thread, one after another in the order the requests ended. Reading an
 * answer's usage, and serialising, scanning for credentials and cutting bodies, all grow with a body's size
 * (a 9 MB prompt takes over a second of regex scanning), which the event loops must not spend.
 *
 * <p>The queue is bounded in requests and in the body bytes they hold: {@link #offer} refuses what does not fit,
 * counts it and warns at most every 10 s, and the caller writes that row without bodies. {@link #close} waits for
 * the queued rows within a timeout, then writes the rest without bodies.
 */
final class RowPreparer {
  private static final Logger LOG = LoggerFactory.getLogger(RowPreparer.class);
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final int BATCH = 64;
  /** How long a preparation still running after the close timeout gets before its row goes out without bodies. */
  private static final Duration GRACE = Duration.ofSeconds(1);

  /** One request waiting for its row; whoever claims it first writes the row, so it is written exactly once. */
  private static final class Pending {
    final Ended ended;
    final long bytes;
    final AtomicBoolean claimed = new AtomicBoolean();
    volatile RequestLogRow head;  // the row without bodies, once built

    Pending(Ended ended, long bytes) {
      this.ended = ended;
      this.bytes = bytes;
    }
  }

  private final Function<Ended, RequestLogRow> head;
  private final BiFunction<RequestLogRow, Ended, RequestLogRow> withBodies;
  private final BiConsumer<Ended, RequestLogRow> emit;
  private final boolean bodies;
  private final long maxBytes;
  private final BlockingQueue<Pending> queue;
  private final String full;
  private final String heavy;
  private final AtomicLong heldBytes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong lastWarnNanos = new AtomicLong();
  private final Thread thread;
  private volatile Pending current;
  private volatile boolean closing;
  private volatile boolean hurry;  // closing took too long: rows go out without bodies
  private boolean closed;

  /**
   * @param head the row without bodies (reads the answer's usage)
   * @param withBodies the row with its bodies, redacted and cut
   * @param emit hands the finished row (and line) on; thread-safe, never blocks
   * @param bodies whether rows have bodies (for the warning about those that could not wait)
   * @param capacity how many requests may wait
   * @param maxBytes how many body bytes they may hold together; one bigger request is taken when none waits
   */
  RowPreparer(Function<Ended, RequestLogRow> head, BiFunction<RequestLogRow, Ended, RequestLogRow> withBodies,
      BiConsumer<Ended, RequestLogRow> emit, boolean bodies, int capacity, long maxBytes) {
    this.head = head;
    this.withBodies = withBodies;
    this.emit = emit;
    this.bodies = bodies;
    this.maxBytes = maxBytes;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.full = "the queue of " + capacity + " requests is full";
    this.heavy = "the requests waiting hold more than "
        + (maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MiB" : maxBytes + " bytes") + " of bodies";
    this.thread = Thread.ofPlatform().name("sb-request-prep").daemon(true).start(this::run);
  }

  /**
   * Queues a request holding about {@code bytes} of bodies; false (counted) when it does not fit or the
   * preparer is closing: the caller then writes its row without bodies. Never blocks.
   */
  boolean offer(Ended ended, long bytes) {
    if (closing) {
      return refuse("the logger is closing");
    }
    long held;
    do {
      held = heldBytes.get();
      if (held > 0 && held + bytes > maxBytes) {
        return refuse(heavy);
      }
    } while (!heldBytes.compareAndSet(held, held + bytes));
    if (queue.offer(new Pending(ended, bytes))) {
      return true;
    }
    heldBytes.addAndGet(-bytes);
    return refuse(full);
  }

  private boolean refuse(String why) {
    long total = refused.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    if ((last == 0 || now - last >= WARN_INTERVAL_NANOS) && lastWarnNanos.compareAndSet(last, now == 0 ? 1 : now)) {
      LOG.warn("request log: {} row(s) in total built on the event loop{}, as they could not wait: {}", total,
          bodies ? " without their bodies" : "", why);
    }
    return false;
  }

  /** Requests that did not fit, whose rows the caller built (without bodies). */
  long refused() {
    return refused.get();
  }

  /** Body bytes held by the requests waiting or being prepared. */
  long heldBytes() {
    return heldBytes.get();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(BATCH);
    while (true) {
      Pending first;
      try {
        first = closing ? queue.poll() : queue.poll(WAKE_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.interrupted();  // nobody interrupts on purpose; closing ends the loop
        continue;
      }
      if (first == null) {
        if (closing) {
          return;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, BATCH - 1);
      for (Pending p : batch) {
        prepare(p);
      }
      boolean caughtUp = batch.size() < BATCH;
      batch.clear();
      if (caughtUp && !closing) {
        // Let requests gather: a thread blocked in poll() is woken by every offer, a context switch per request.
        LockSupport.parkNanos(GATHER_NANOS);
      }
    }
  }

  private void prepare(Pending p) {
    current = p;
    try {
      RequestLogRow row = head.apply(p.ended);
      p.head = row;
      if (!hurry) {
        row = withBodies.apply(row, p.ended);
      }
      if (p.claimed.compareAndSet(false, true)) {
        emit.accept(p.ended, row);
      }
    } catch (RuntimeException e) {
      LOG.warn("request {}: preparing its log row failed: {}", p.ended.requestId(), e.toString());
      RequestLogRow bare = p.head;
      if (bare != null && p.claimed.compareAndSet(false, true)) {
        emit.accept(p.ended, bare);
      }
    } finally {
      current = null;
      heldBytes.addAndGet(-p.bytes);
    }
  }

  /**
   * Refuses new requests and waits up to {@code timeout} for the queued rows; after it, the rest are written
   * without bodies, and a preparation still running after a further second has its row written here, without
   * bodies. Blocking: not for an event loop.
   */
  synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    closing = true;
    if (!join(timeout)) {
      hurry = true;
      LOG.warn("request log: preparing rows took longer than {} at close; the rest go out without bodies", timeout);
      join(GRACE);
    }
    // Normally empty: a request that raced with close, or what a stuck preparation left behind.
    List<Pending> rest = new ArrayList<>();
    Pending stuck = current;
    if (stuck != null) {
      rest.add(stuck);
    }
    queue.drainTo(rest);
    for (Pending p : rest) {
      RequestLogRow bare = p.head;
      if (bare == null && p == stuck) {
        LOG.warn("request {}: its log row is still being prepared at close and may be lost", p.ended.requestId());
        continue;  // its answer is still being read over there: not ours to touch
      }
      if (p.claimed.compareAndSet(false, true)) {
        emit.accept(p.ended, bare != null ? bare : head.apply(p.ended));
      }
      if (p != stuck) {
        heldBytes.addAndGet(-p.bytes);
      }
    }
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
