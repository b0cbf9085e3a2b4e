package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.logging.RequestLoggerAccess;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The event loop's CPU time per request in the request logger's {@code onFinish}, for a small chat completion
 * persisted to SQLite, without and with bodies: the calling thread's CPU time around each call, at a paced rate
 * (default 5,000 a second) so the logger's own threads keep up as at a gateway's rates. CPU time rather than
 * wall time, so other load on the machine counts less (a JMH loop of back-to-back calls would outrun the
 * logger's threads and measure its overload path instead).
 * Not part of the test suite: {@code java -cp target/test-classes:target/classes:<test classpath>
 * io.switchboard.bench.RequestLogLoopCost [requests] [per-second]}.
 */
public final class RequestLogLoopCost {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** A 600-byte answer with usage. */
  static final String ANSWER = """
      {"id":"chatcmpl-1","object":"chat.completion","created":1730000000,"model":"gpt-4o-2024-08-06",
       "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},
       "logprobs":null,"finish_reason":"stop"}],
       "usage":{"prompt_tokens":19,"completion_tokens":9,"total_tokens":28,
                "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}},
       "system_fingerprint":"fp_50cad350e4"}""";

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    Vertx vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("request-log-cost");
    try {
      for (boolean bodies : new boolean[] {false, true}) {
        run(vertx, dir, bodies, requests / 5, perSecond);  // warm-up
        long[] ns = run(vertx, dir, bodies, requests, perSecond);
        Arrays.sort(ns);
        System.out.printf("bodies=%s: onFinish CPU per request: mean %.0f ns, p50 %d ns, p99 %d ns, max %d us%n",
            bodies, Arrays.stream(ns).average().orElse(0), ns[ns.length / 2], ns[(int) (ns.length * 0.99)],
            ns[ns.length - 1] / 1000);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  static long[] run(Vertx vertx, Path dir, boolean bodies, int requests, int perSecond) throws Exception {
    Plugin logger = RequestLoggerAccess.create(vertx, "{level: error, persist: true, backend: sqlite, dsn: \""
        + dir.resolve("requests-" + System.nanoTime() + ".db") + "\", include_bodies: " + bodies + "}");
    logger.start().await(10, TimeUnit.SECONDS);
    Buffer answer = Buffer.buffer(ANSWER);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("authorization", "Bearer sk-bench-client-0123456789")
        .set("content-length", "180");
    PriceCatalog prices = PriceCatalog.builtIn();
    long overhead = overhead();
    long[] ns = new long[requests];
    long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
    long next = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      ObjectNode body = Json.object().put("model", "gpt-4o").put("max_tokens", 64);
      body.putArray("messages").addObject().put("role", "user").put("content", "Say hello in one short sentence.");
      Exchange exchange = new Exchange("req_" + i, Operation.CHAT, body, Map.of(), headers,
          MultiMap.caseInsensitiveMultiMap(), System.nanoTime());
      Finish finish = new Finish(200, false, "openai", "upstream", "gpt-4o", 1, 1_000_000, -1, null, answer, null,
          prices);
      long start = THREADS.getCurrentThreadCpuTime();
      logger.onFinish(exchange, finish);
      ns[i] = Math.max(0, THREADS.getCurrentThreadCpuTime() - start - overhead);
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    logger.close().await(60, TimeUnit.SECONDS);
    long bare = RequestLoggerAccess.bodiesRefused(logger);
    if (RequestLoggerAccess.rowsHandedOn(logger) != requests || bare != 0) {
      System.out.printf("  of %d rows, %d handed to the writer, %d without bodies%n", requests,
          RequestLoggerAccess.rowsHandedOn(logger), bare);
    }
    return ns;
  }

  /** What two readings of the thread's CPU time cost, the smallest of many. */
  private static long overhead() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 10_000; i++) {
      long a = THREADS.getCurrentThreadCpuTime();
      least = Math.min(least, THREADS.getCurrentThreadCpuTime() - a);
    }
    return least;
  }
}
