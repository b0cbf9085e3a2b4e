package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.plugin.guardrails.Detector;
import io.switchboard.plugin.guardrails.PiiDetector;
import io.switchboard.plugin.guardrails.PiiKind;
import io.switchboard.plugin.guardrails.PromptShield;
import io.switchboard.plugin.guardrails.SecretScanner;
import io.switchboard.plugin.guardrails.WordFilter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * What sets the guardrails' on-loop limit ({@code ScanPool.ON_LOOP_LIMIT}): the CPU time of each detector, and of
 * parsing and writing back an answer, by text size; and what a hop to a worker and back costs the event loop (its
 * CPU per hop) and the request (latency). CPU time rather than wall time, best and mean of many runs after warm-up.
 * Not part of the test suite: {@code java -cp target/test-classes:target/classes:<test classpath>
 * io.switchboard.bench.GuardrailScanCost}.
 */
public final class GuardrailScanCost {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int[] SIZES = {256, 1024, 4096, 16_384, 65_536, 262_144};

  private GuardrailScanCost() {}

  public static void main(String[] args) throws Exception {
    // Each entry: the work on one text of a given size, prepared outside the measured part.
    Map<String, Function<String, Runnable>> work = new LinkedHashMap<>();
    work.put("secret-scan", detector(new SecretScanner()));
    work.put("pii-redact", detector(new PiiDetector(EnumSet.allOf(PiiKind.class))));
    work.put("prompt-shield", detector(new PromptShield(0.5)));
    work.put("word-filter", detector(new WordFilter(List.of("alpha", "beta", "gamma delta"), false, true)));
    work.put("answer parse + write", text -> {
      Buffer answer = answer(text);
      return () -> Json.buffer(Json.parseOrNull(answer));
    });
    for (Map.Entry<String, Function<String, Runnable>> w : work.entrySet()) {
      StringBuilder line = new StringBuilder(String.format("%-21s", w.getKey()));
      for (int size : SIZES) {
        Runnable run = w.getValue().apply(prose(size));
        int runs = Math.max(20, 4_000_000 / size);
        for (int i = 0; i < runs; i++) {
          run.run();  // warm-up
        }
        long best = Long.MAX_VALUE;
        long sum = 0;
        for (int i = 0; i < runs; i++) {
          long t0 = THREADS.getCurrentThreadCpuTime();
          run.run();
          long t = THREADS.getCurrentThreadCpuTime() - t0;
          best = Math.min(best, t);
          sum += t;
        }
        line.append(String.format(" | %d B: %.1f / %.1f us", size, best / 1e3, sum / 1e3 / runs));
      }
      System.out.println(line);
    }
    hops();
  }

  private static Function<String, Runnable> detector(Detector detector) {
    return text -> () -> detector.find(text);
  }

  /** Back-to-back hops from one event loop to a two-thread worker executor and back. */
  private static void hops() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("bench-guardrails", 2);
    Context loop = vertx.getOrCreateContext();
    long[] loopThread = new long[1];
    CountDownLatch known = new CountDownLatch(1);
    loop.runOnContext(v -> {
      loopThread[0] = Thread.currentThread().threadId();
      known.countDown();
    });
    known.await();
    for (int round = 0; round < 5; round++) {
      int n = 50_000;
      long[] wall = new long[n];
      CountDownLatch done = new CountDownLatch(1);
      long cpu0 = THREADS.getThreadCpuTime(loopThread[0]);
      loop.runOnContext(v -> hop(workers, 0, wall, done));
      done.await();
      long cpu = THREADS.getThreadCpuTime(loopThread[0]) - cpu0;
      Arrays.sort(wall);
      System.out.printf("hop round %d: loop CPU %.1f us per hop; latency p50 %.1f us, p90 %.1f us, p99 %.1f us%n",
          round, cpu / 1e3 / n, wall[n / 2] / 1e3, wall[n * 9 / 10] / 1e3, wall[n * 99 / 100] / 1e3);
    }
    vertx.close().await();
  }

  private static void hop(WorkerExecutor workers, int i, long[] wall, CountDownLatch done) {
    if (i == wall.length) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    workers.executeBlocking(() -> i, false).onComplete(ar -> {
      wall[i] = System.nanoTime() - t0;
      hop(workers, i + 1, wall, done);
    });
  }

  /** Prose with a phone number and a date now and then, like the text of a chat. */
  private static String prose(int size) {
    StringBuilder b = new StringBuilder(size + 200);
    for (int i = 0; b.length() < size; i++) {
      b.append("The quick brown fox jumps over the lazy dog, again and again; ").append(i % 1000).append(". ");
      if (i % 50 == 0) {
        b.append("Call me at 555-123-4567 about order 12345 on 2024-01-02. ");
      }
    }
    return b.substring(0, size);
  }

  private static Buffer answer(String content) {
    ObjectNode a = Json.object().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "gpt-4o");
    a.putArray("choices").addObject().put("index", 0).putObject("message").put("role", "assistant")
        .put("content", content);
    return Json.buffer(a);
  }
}
