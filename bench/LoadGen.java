// Load for bench/compare.sh that wrk cannot give: a constant arrival rate (open loop: a request is due at its
// time whether or not earlier ones have answered, and its latency counts from then, so queueing shows),
// time to first byte of streams, and many streams held open at once. Run it with the gateway's jar on the
// class path, which carries Vert.x:
//   java -cp target/switchboard.jar bench/LoadGen.java open    URL RATE SECONDS   -> latency percentiles (us)
//   java -cp target/switchboard.jar bench/LoadGen.java ttfb    URL COUNT          -> stream TTFB, sequential
//   java -cp target/switchboard.jar bench/LoadGen.java streams URL N HOLD_SECONDS  -> N streams open at once
// Request headers come from -Dheader.NAME=VALUE; the body is a chat request (with "stream":true for ttfb and
// streams, and for open with -Dstream=true).
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public class LoadGen {
  static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a "
      + "helpful assistant.\"},{\"role\":\"user\",\"content\":\"Hello! Say hi back.\"}],\"temperature\":0.2,"
      + "\"max_tokens\":64%s}";

  record Result(int status, long firstByteNanos, long endNanos, boolean failed) {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String url = args[1];
    int connections = switch (mode) {
      case "streams" -> Integer.parseInt(args[2]) + 16;
      case "ttfb" -> 1;
      default -> Integer.getInteger("connections", 256);
    };
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    loop = vertx.getOrCreateContext();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setConnectTimeout(60_000), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    boolean stream = !mode.equals("open") || Boolean.getBoolean("stream");
    Buffer body = Buffer.buffer(CHAT.formatted(stream ? ",\"stream\":true" : ""));
    RequestOptions options = new RequestOptions().setAbsoluteURI(url).setMethod(HttpMethod.POST)
        .putHeader("content-type", "application/json").putHeader("authorization", "Bearer sk-bench");
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("header."))
        .forEach(k -> options.putHeader(k.substring(7), System.getProperty(k)));
    try {
      switch (mode) {
        case "open" -> open(vertx, client, options, body, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        case "ttfb" -> ttfb(client, options, body, Integer.parseInt(args[2]));
        case "streams" -> streams(client, options, body, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException("mode: open, ttfb or streams");
      }
    } finally {
      vertx.close();
    }
  }

  /** The load's one event loop: requests start on it, so a response's handlers are set before its body comes. */
  static Context loop;

  static Future<Result> send(HttpClient client, RequestOptions options, Buffer body) {
    Promise<Result> done = Promise.promise();
    loop.runOnContext(v -> start(client, options, body, done));
    return done.future();
  }

  private static void start(HttpClient client, RequestOptions options, Buffer body, Promise<Result> done) {
    long[] first = {0};
    client.request(options).compose(req -> req.send(body)).onComplete(ar -> {
      if (ar.failed()) {
        done.tryComplete(new Result(0, 0, System.nanoTime(), true));
        return;
      }
      var resp = ar.result();
      resp.handler(b -> {
        if (first[0] == 0) {
          first[0] = System.nanoTime();
        }
      });
      resp.exceptionHandler(t -> done.tryComplete(new Result(resp.statusCode(), first[0], System.nanoTime(), true)));
      resp.endHandler(v -> done.tryComplete(new Result(resp.statusCode(), first[0], System.nanoTime(),
          resp.statusCode() != 200)));
    });
  }

  /**
   * RATE requests a second for SECONDS, each due at its time; latency from when it was due to its end. The
   * first -Dwarmup seconds (default 5) run at the same rate and are not counted.
   */
  static void open(Vertx vertx, HttpClient client, RequestOptions options, Buffer body, int rate, int seconds)
      throws InterruptedException {
    int warm = rate * Integer.getInteger("warmup", 5);
    int total = warm + rate * seconds;
    long[] latency = new long[total - warm];
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(total);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    int[] sent = {0};
    loop.runOnContext(v -> vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (sent[0] < total) {
        int i = sent[0];
        long due = start + (long) (i * 1e9 / rate);
        if (due > now) {
          break;
        }
        sent[0]++;
        send(client, options, body).onSuccess(r -> {
          if (i >= warm) {
            latency[i - warm] = r.endNanos() - due;
            if (r.failed()) {
              failed.incrementAndGet();
            }
          }
          finished.countDown();
        });
      }
      if (sent[0] == total) {
        vertx.cancelTimer(id);
      }
    }));
    boolean all = finished.await(total / rate + 120L, TimeUnit.SECONDS);
    Arrays.sort(latency);
    System.out.printf("open rate=%d seconds=%d sent=%d failed=%d complete=%b p50_us=%d p90_us=%d p99_us=%d "
        + "p999_us=%d max_us=%d%n", rate, seconds, latency.length, failed.get(), all, us(latency, 0.50),
        us(latency, 0.90), us(latency, 0.99), us(latency, 0.999), latency[latency.length - 1] / 1000);
  }

  /** COUNT streams one after another: time to the first body byte and to the end. */
  static void ttfb(HttpClient client, RequestOptions options, Buffer body, int count) {
    long[] first = new long[count];
    long[] whole = new long[count];
    int failed = 0;
    for (int i = -Math.min(200, count); i < count; i++) {  // the negative ones warm up
      long start = System.nanoTime();
      Result r = send(client, options, body).await();
      if (i >= 0) {
        failed += r.failed() || r.firstByteNanos() == 0 ? 1 : 0;
        first[i] = r.firstByteNanos() - start;
        whole[i] = r.endNanos() - start;
      }
    }
    Arrays.sort(first);
    Arrays.sort(whole);
    System.out.printf("ttfb count=%d failed=%d p50_us=%d p99_us=%d whole_p50_us=%d whole_p99_us=%d%n", count, failed,
        us(first, 0.5), us(first, 0.99), us(whole, 0.5), us(whole, 0.99));
  }

  /** N streams at once; says when all have their first byte, holds them HOLD seconds, then lets them end. */
  static void streams(HttpClient client, RequestOptions options, Buffer body, int n, int hold)
      throws InterruptedException {
    CountDownLatch opened = new CountDownLatch(n);
    CountDownLatch ended = new CountDownLatch(n);
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger open = new AtomicInteger();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      loop.runOnContext(go -> client.request(options).compose(req -> req.send(body)).onComplete(ar -> {
        // An error answer (a 502 when the gateway runs out of file descriptors, say) is not an open stream.
        if (ar.failed() || ar.result().statusCode() != 200) {
          failed.incrementAndGet();
          opened.countDown();
          ended.countDown();
          return;
        }
        boolean[] seen = {false};
        ar.result().handler(b -> {
          if (!seen[0]) {
            seen[0] = true;
            open.incrementAndGet();
            opened.countDown();
          }
        });
        ar.result().endHandler(v -> ended.countDown());
        ar.result().exceptionHandler(t -> {
          failed.incrementAndGet();
          ended.countDown();
        });
      }));
    }
    boolean settled = opened.await(120, TimeUnit.SECONDS);
    System.out.printf("streams open=%d failed=%d all=%b seconds=%.1f%n", open.get(), failed.get(),
        settled && open.get() == n, (System.nanoTime() - start) / 1e9);
    System.out.flush();
    Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
    ended.await(300, TimeUnit.SECONDS);
    System.out.printf("streams ended=%d failed=%d%n", n - (int) ended.getCount(), failed.get());
  }

  static long us(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1000;
  }
}
