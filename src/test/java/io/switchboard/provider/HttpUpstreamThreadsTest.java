package io.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines racing answers, from threads that are not event loops (tests, workers): every call ends, in an
 * answer or at its deadline, and the resets of calls past their deadline (often mid-send) log no error.
 */
class HttpUpstreamThreadsTest {
  static Vertx vertx;
  static HttpServer mock;
  static HttpClient client;
  static final int THREADS = 4;
  static final int CALLS = 400;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    // Answers after 0-9 ms, so that the attempt deadlines below (1-15 ms) fire before, during and after.
    mock = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body ->
        vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(10), t -> {
          req.response().putHeader("content-type", "application/json")
              .end("{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[]}");
        }))).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(64));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  LogCapture vertxLog;

  @BeforeEach
  void captureVertxLog() {
    vertxLog = LogCapture.of("io.vertx");
  }

  @AfterEach
  void release() {
    vertxLog.close();
  }

  @Test
  void everyCallEndsAndResetsLogNoError() throws Exception {
    GatewayConfig gateway = ConfigLoader.parse("providers:\n  - key: p\n    provider: openai-compatible\n"
        + "    base_url: http://127.0.0.1:" + mock.actualPort() + "/v1\n", Map.of());
    ChatProvider provider = (ChatProvider) ProviderRegistry.create(gateway.providers().getFirst(), gateway, vertx,
        client);
    ObjectNode body = Json.object().put("model", "m");
    body.putArray("messages").addObject().put("role", "user").put("content", "hi");

    // Warm: connections open and code compiled, so that the deadlines below race answers, not start-up.
    for (int i = 0; i < 50; i++) {
      provider.chat(new UpstreamRequest(body, Json.buffer(body), "m", false, "w" + i)).await(10, TimeUnit.SECONDS);
    }
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < CALLS / THREADS; i++) {
          Duration timeout = Duration.ofMillis(1 + ThreadLocalRandom.current().nextInt(15));
          var call = provider.chat(
              new UpstreamRequest(body, Json.buffer(body), "m", false, "r" + i, timeout, Cancellation.none()));
          try {
            call.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ok.incrementAndGet();
          } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamException u && u.kind() == UpstreamException.Kind.TIMEOUT) {
              timedOut.incrementAndGet();
            } else {
              wrong.add(String.valueOf(e.getCause()));
            }
          } catch (Exception e) {
            wrong.add("no end within 10 s: " + e);
            return;
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(wrong).isEmpty();
    assertThat(ok.get() + timedOut.get()).isEqualTo(CALLS);
    assertThat(ok.get()).as("answers").isPositive();
    assertThat(timedOut.get()).as("deadlines").isPositive();
    // Without an exception handler on the upstream request, Vert.x logged "ERROR Stream reset: 0" for a reset
    // before the request had been written out.
    Thread.sleep(200);
    assertThat(vertxLog.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }
}
