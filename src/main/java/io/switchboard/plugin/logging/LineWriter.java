package io.switchboard.plugin.logging;

import io.switchboard.logging.StderrAppender;
import io.switchboard.plugin.logging.RequestLoggerSettings.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Hands request lines to the logging framework from its own thread: a console or file appender writes
 * (and locks) per line, which the event loops must not wait on. A full queue drops the line, counts it and
 * warns at most every 10 s; {@link #close} writes what is queued.
 */
final class LineWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LineWriter.class);
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Line STOP = new Line(Level.DEBUG, "");
  private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private record Line(Level level, String text) {}

  private final Logger target;
  private final BlockingQueue<Line> queue;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastWarnNanos = new AtomicLong();
  private volatile boolean closed;

  LineWriter(Logger target, int capacity) {
    this.target = target;
    this.queue = new ArrayBlockingQueue<>(capacity);
    // Thread names stay under 16 characters, the kernel's limit, so top -H and /proc tell the two writers apart.
    this.thread = Thread.ofPlatform().name("sb-request-lines").daemon(true).start(this::run);
  }

  void offer(Level level, String text) {
    if (!closed && queue.offer(new Line(level, text))) {
      return;
    }
    long total = dropped.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    if ((last == 0 || now - last >= WARN_INTERVAL_NANOS) && lastWarnNanos.compareAndSet(last, now == 0 ? 1 : now)) {
      LOG.warn("request log: dropped {} log line(s) in total: {}", total,
          closed ? "the logger is closed" : "the log output is slower than the requests");
    }
  }

  /** Lines that did not fit in the queue. */
  long dropped() {
    return dropped.get();
  }

  private void run() {
    List<Line> batch = new ArrayList<>(256);
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.interrupted();  // nobody interrupts on purpose; STOP ends the loop
        continue;
      }
      queue.drainTo(batch, 255);
      for (int i = 0; i < batch.size(); i++) {
        Line line = batch.get(i);
        if (line == STOP) {
          return;
        }
        // All but the last line say more follow, so the console appender writes the batch in one call.
        write(line, i + 1 < batch.size() && batch.get(i + 1) != STOP);
      }
      batch.clear();
      // Let lines gather before looking again: a thread blocked in take() is woken by every offer, a
      // context switch per request when the gateway is busy.
      LockSupport.parkNanos(GATHER_NANOS);
    }
  }

  private void write(Line line, boolean more) {
    Marker marker = more ? StderrAppender.MORE : null;
    switch (line.level()) {
      case DEBUG -> target.debug(marker, line.text());
      case INFO -> target.info(marker, line.text());
      case WARN -> target.warn(marker, line.text());
      case ERROR -> target.error(marker, line.text());
    }
  }

  /** Writes every queued line, then stops the thread. Blocking: not for an event loop. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(STOP);  // after every accepted line: the queue is FIFO
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // An offer that raced with close may have landed behind STOP.
    List<Line> rest = new ArrayList<>();
    queue.drainTo(rest);
    for (Line line : rest) {
      if (line != STOP) {
        write(line, false);
      }
    }
  }
}
