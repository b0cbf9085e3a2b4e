package io.switchboard.e2e;

import static io.switchboard.e2e.FaultInjectionE2eTest.OPENAI_STREAM;
import static io.switchboard.e2e.FaultInjectionE2eTest.OPENAI_TEXT;
import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.rawEvents;
import static io.switchboard.e2e.MockUpstream.resource;
import static io.switchboard.e2e.MockUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.Json;
import io.switchboard.testing.GatewayProcess;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a gateway process with requests in flight, counted: nothing is accepted after the signal (no new
 * connection, no new upstream call), every request accepted before it is answered and has its row, what the
 * deadline cuts is answered 503 and recorded as such, and the process exits 0.
 */
@Timeout(120)
class ShutdownE2eTest extends E2eResources {
  @TempDir
  Path dir;

  private record Held(HttpServerRequest request, Buffer body, Context context) {}

  private GatewayProcess start(MockUpstream upstream, String shutdownTimeout, Path db) throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, "server: {host: 127.0.0.1, event_loops: 2, shutdown_timeout: " + shutdownTimeout
        + "}\n" + RequestLoggerE2eTest.providers(upstream) + """
        plugins:
          - name: request-logger
            type: logging
            config: {level: error, persist: true, backend: sqlite, dsn: "%s"}
        """.formatted(db));
    GatewayProcess gateway = GatewayProcess.start(config, Map.of());
    closing.add(gateway);
    return gateway;
  }

  private static CompletableFuture<HttpResponse<String>> post(HttpClient client, String url, String id,
      boolean stream) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
        .header("content-type", "application/json").header("x-request-id", id)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(RequestLoggerE2eTest.chat("Hi", stream))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsInFlightFinishNothingNewIsAcceptedAndTheExitIsZero() throws Exception {
    MockUpstream upstream = upstream();
    ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    upstream.always((req, body) -> held.add(new Held(req, body, Vertx.currentContext())));
    Path db = dir.resolve("drain.db");
    GatewayProcess gateway = start(upstream, "30s", db);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      inFlight.add(post(client, gateway.baseUrl(), "in-flight-" + i, i % 2 == 0));
    }
    awaitTrue(Duration.ofSeconds(30), () -> held.size() == 12);

    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return gateway.terminate(Duration.ofSeconds(60));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // The listener closes at once: a new connection is refused while the 12 are still being answered.
    HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    awaitTrue(Duration.ofSeconds(20), () -> {
      try {
        fresh.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/readyz")).build(),
            HttpResponse.BodyHandlers.discarding());
        return false;
      } catch (ConnectException refused) {
        return true;
      } catch (IOException closedByTheDrain) {
        return false;  // a kept-alive connection closed as the drain began: the listener may not be closed yet
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    // Late clients on new connections (raw sockets: java.net.http has been seen to wait out a refused connect).
    String late = RequestLoggerE2eTest.chat("Hi", false);
    int refused = 0;
    for (int i = 0; i < 10; i++) {
      try {
        HostileClientE2eTest.RawAnswer answer = HostileClientE2eTest.RawAnswer.exchange(gateway.port(),
            "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + late.length() + "\r\n\r\n" + late);
        assertThat(answer.status()).as("a request after the signal is refused").isEqualTo(503);
        refused++;
      } catch (ConnectException e) {
        refused++;
      }
    }
    assertThat(refused).isEqualTo(10);
    assertThat(exit).as("the gateway waits for the requests in flight").isNotDone();
    assertThat(held).as("no upstream call after the signal").hasSize(12);

    String text = resource(OPENAI_TEXT);
    List<String> events = rawEvents(resource(OPENAI_STREAM));
    for (Held h : held) {
      h.context().runOnContext(v -> {
        if (Json.parseOrNull(h.body()).path("stream").asBoolean()) {
          sse(events).accept(h.request(), h.body());
        } else {
          json(200, text).accept(h.request(), h.body());
        }
      });
    }
    for (int i = 0; i < inFlight.size(); i++) {
      HttpResponse<String> r = inFlight.get(i).get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      if (i % 2 == 0) {
        assertThat(r.body()).as("stream %d ends", i).contains("data: [DONE]");
      }
    }
    int code = exit.get(60, TimeUnit.SECONDS);
    assertThat(code).as("exit code; output:\n%s", gateway.output()).isZero();
    assertThat(gateway.output()).containsPattern("request log: closed; accepted 12, written 12, dropped 0, failed 0");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      Map<String, Map<String, Object>> rows = RequestLoggerE2eTest.rows(c, "switchboard_request_log");
      assertThat(rows.keySet()).as("one row per accepted request, none for the refused")
          .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 12).mapToObj(i -> "in-flight-" + i)
              .toList());
      assertThat(rows.values()).allSatisfy(row -> assertThat(row.get("status")).isEqualTo(200L));
    }
  }

  @Test
  void theDeadlineEndsWhatIsLeftWithRecorded503s() throws Exception {
    MockUpstream upstream = upstream();
    List<String> events = rawEvents(resource(OPENAI_STREAM));
    ConcurrentLinkedQueue<Held> seen = new ConcurrentLinkedQueue<>();
    upstream.always((req, body) -> {
      seen.add(new Held(req, body, Vertx.currentContext()));
      if (Json.parseOrNull(body).path("stream").asBoolean()) {
        // Two events reach the client, then the provider stalls: the cut must end a started stream.
        req.response().setChunked(true).putHeader("content-type", "text/event-stream").write(events.get(0) + events.get(1));
      }
    });
    Path db = dir.resolve("cut.db");
    GatewayProcess gateway = start(upstream, "2s", db);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      inFlight.add(post(client, gateway.baseUrl(), "cut-" + i, i % 2 == 0));
    }
    awaitTrue(Duration.ofSeconds(30), () -> seen.size() == 6);
    int code = gateway.terminate(Duration.ofSeconds(60));
    assertThat(code).as("exit code; output:\n%s", gateway.output()).isZero();
    for (int i = 0; i < inFlight.size(); i++) {
      HttpResponse<String> r = inFlight.get(i).get(30, TimeUnit.SECONDS);
      if (i % 2 == 0) {
        assertThat(r.statusCode()).isEqualTo(200);  // the stream had started
        assertThat(r.body()).as("stream %d", i).contains("\"code\":\"shutting_down\"");
      } else {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"code\":\"shutting_down\"");
      }
    }
    assertThat(gateway.output()).contains("still in flight after 2 s")
        .containsPattern("request log: closed; accepted 6, written 6, dropped 0, failed 0");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      Map<String, Map<String, Object>> rows = RequestLoggerE2eTest.rows(c, "switchboard_request_log");
      assertThat(rows).hasSize(6);
      assertThat(rows.values()).allSatisfy(row -> assertThat(row.get("status")).isEqualTo(503L));
    }
  }

  /**
   * kill -TERM under load: every request whose answer reached the client has its row once the process is
   * gone, and a shutdown that completed exits 0.
   */
  @Test
  void sigtermUnderLoadLosesNoRowOfAnAnsweredRequest() throws Exception {
    MockUpstream upstream = upstream();
    String text = resource(OPENAI_TEXT);
    List<String> events = rawEvents(resource(OPENAI_STREAM));
    upstream.always((req, body) -> {
      boolean stream = Json.parseOrNull(body).path("stream").asBoolean();
      io.vertx.core.Vertx.currentContext().owner().setTimer(15, id -> {
        if (stream) {
          sse(events).accept(req, body);
        } else {
          json(200, text).accept(req, body);
        }
      });
    });
    Path db = dir.resolve("kill.db");
    GatewayProcess gateway = start(upstream, "20s", db);

    // A cold JVM answers its first requests in seconds; warm it up so the load is load.
    HttpClient warm = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Set<String> answered = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> r = warm.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(RequestLoggerE2eTest.chat("Hi", i % 2 == 0))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      answered.add(r.headers().firstValue("x-request-id").orElseThrow());
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger refused = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      boolean streams = i % 4 == 0;
      // HTTP/1.1 keep-alive, as a busy client would: the drain has to tell it to close its connections.
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2)).build();
      clients.add(Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                    + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RequestLoggerE2eTest.chat("Hi", streams))).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && (!streams || r.body().contains("[DONE]"))) {
              answered.add(r.headers().firstValue("x-request-id").orElseThrow());
            }
          } catch (java.io.IOException e) {
            refused.incrementAndGet();  // cut by the shutdown, or the port is closed: no answer, no promise
            if (refused.get() > 1000) {
              return;
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }
    long loadStart = System.nanoTime();
    Thread.sleep(2000);
    int beforeSignal = answered.size() - 30;
    System.out.printf("load: %d answered, %d refused in %d ms%n", beforeSignal, refused.get(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return gateway.terminate(Duration.ofSeconds(60));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(300);  // load goes on while the gateway drains
    stop.set(true);
    for (Thread t : clients) {
      t.join(30_000);
    }
    int code = exit.get(60, TimeUnit.SECONDS);

    String output = gateway.output();
    assertThat(code).as("exit code; output:\n%s", output).isZero();
    assertThat(beforeSignal).isGreaterThan(20);
    assertThat(output).containsPattern("request log: closed; accepted \\d+, written \\d+, dropped 0, failed 0");
    Set<String> logged;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      logged = RequestLoggerE2eTest.rows(c, "switchboard_request_log").keySet();
    }
    assertThat(answered).isNotEmpty();
    assertThat(logged).containsAll(answered);
    System.out.printf("SIGTERM under load: %d answered, %d rows, %d cut or refused, exit %d%n", answered.size(),
        logged.size(), refused.get(), code);
  }

  static void awaitTrue(Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within %s", within).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
