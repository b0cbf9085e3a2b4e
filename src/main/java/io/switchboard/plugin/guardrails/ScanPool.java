package io.switchboard.plugin.guardrails;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * Where a guardrail's check runs when its cost grows with the text it reads: on the calling event loop when
 * the text is small, else on a few worker threads shared by every guardrail, so one large body does not stall
 * every request on its loop. The worker's result comes back on the caller's context, so the chain goes on
 * from the loop as before.
 */
final class ScanPool {
  /**
   * Text up to this many characters (an answer: bytes) is checked on the loop. Measured with bench.GuardrailScanCost
   * on the 2-core dev VM under load: the regex detectors take 0.12-0.23 us of CPU per character (secret-scan
   * 125-200 us for 1 KiB, 9-13 ms for 64 KiB; word-filter a tenth of that), a hop to a worker and back 4.5-17 us of
   * the loop's CPU and 6-14 us of latency at p50, 20-250 us at p99. At 1 KiB a scan costs about what the hop's
   * tail does; above it the scan dominates, and the loop is never held for more than a few tenths of a millisecond.
   */
  static final int ON_LOOP_LIMIT = 1024;
  /** The pool's name: Vert.x shares one pool per name, so every guardrail uses the same threads. */
  static final String NAME = "switchboard-guardrails";
  /** Scans are CPU-bound: more threads than cores would only take CPU from the event loops. */
  private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private static final ScanPool ON_LOOP = new ScanPool(null, Long.MAX_VALUE);

  private final WorkerExecutor workers;
  private final long onLoopLimit;

  private ScanPool(WorkerExecutor workers, long onLoopLimit) {
    this.workers = workers;
    this.onLoopLimit = onLoopLimit;
  }

  /** The shared pool, and the measured limit; {@link #close} releases this plugin's hold on the threads. */
  static ScanPool shared(Vertx vertx) {
    return withLimit(vertx, ON_LOOP_LIMIT);
  }

  /** Tests: 0 sends every check of some text to the pool. */
  static ScanPool withLimit(Vertx vertx, long onLoopLimit) {
    requireNonNull(vertx, "vertx");
    if (onLoopLimit < 0) {
      throw new IllegalArgumentException("onLoopLimit: " + onLoopLimit + " (expected: >= 0)");
    }
    return new ScanPool(vertx.createSharedWorkerExecutor(NAME, THREADS), onLoopLimit);
  }

  /** For checks whose cost does not grow with a body (counting lengths): always on the loop, no threads held. */
  static ScanPool onLoop() {
    return ON_LOOP;
  }

  /** Whether a check reading {@code size} characters (or bytes) goes to the pool. */
  boolean offLoop(long size) {
    return size > onLoopLimit;
  }

  /** Runs {@code check} on a worker; a throw fails the future with it, as it would have failed the chain. */
  <T> Future<T> submit(Callable<T> check) {
    return workers.executeBlocking(check, false);
  }

  Future<Void> close() {
    return workers == null ? Future.succeededFuture() : workers.close();
  }
}
