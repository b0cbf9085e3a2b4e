package io.switchboard.e2e;

import static io.switchboard.e2e.FaultInjectionE2eTest.OAI_ERROR;
import static io.switchboard.e2e.FaultInjectionE2eTest.assertAbandoned;
import static io.switchboard.e2e.FaultInjectionE2eTest.assertCleanError;
import static io.switchboard.e2e.FaultInjectionE2eTest.assertRouting;
import static io.switchboard.e2e.FaultInjectionE2eTest.awaitTrue;
import static io.switchboard.e2e.FaultInjectionE2eTest.data;
import static io.switchboard.e2e.FaultInjectionE2eTest.millisSince;
import static io.switchboard.e2e.FaultInjectionE2eTest.openAiEvents;
import static io.switchboard.e2e.FaultInjectionE2eTest.text;
import static io.switchboard.e2e.FaultyUpstream.body200;
import static io.switchboard.e2e.FaultyUpstream.status;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.e2e.FaultyUpstream.End;
import io.switchboard.server.GatewayServer;
import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault injection for the resilience features: circuit breakers opening and closing again, 429 parking,
 * concurrency caps, request and per-target timeouts, stream idle timeouts. Same rules as
 * {@link FaultInjectionE2eTest}: precise counts, clean errors, nothing left in flight upstream.
 */
@Timeout(10)
class FaultInjectionBreakerE2eTest {
  static final String OPENAI_TEXT = FaultInjectionE2eTest.OPENAI_TEXT;
  static final String ANTHROPIC_TEXT = FaultInjectionE2eTest.ANTHROPIC_TEXT;
  static final String OPENAI_TEXT_ID = FaultInjectionE2eTest.OPENAI_TEXT_ID;

  static FaultyUpstream a;
  static FaultyUpstream c;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  GatewayServer gateway;

  @BeforeAll
  static void startUpstreams() throws Exception {
    a = new FaultyUpstream();
    c = new FaultyUpstream();
  }

  @AfterAll
  static void stopUpstreams() throws Exception {
    a.close();
    c.close();
  }

  @BeforeEach
  void clean() {
    a.reset();
    c.reset();
  }

  @AfterEach
  void nothingLeftInFlight() throws Exception {
    try {
      for (FaultyUpstream u : List.of(a, c)) {
        awaitTrue(Duration.ofSeconds(2), () -> u.inFlight() == 0);
        assertThat(u.inFlight()).as("upstream requests still in progress at " + u.url()).isZero();
        assertThat(u.unusedScript()).as("scripted replies never used at " + u.url()).isZero();
      }
    } finally {
      if (gateway != null) {
        gateway.stop().await(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Providers: a (openai, 1 s), slow (openai at a, 8 s), c (anthropic, 1 s); then the given config. */
  void start(String rest) throws Exception {
    String config = """
        server: {port: 0, host: 127.0.0.1, event_loops: 2}
        providers:
          - {key: a, provider: openai, api_key: sk-upstream-a, base_url: "%s/v1", timeout: 1s}
          - {key: slow, provider: openai, api_key: sk-upstream-s, base_url: "%s/v1", timeout: 8s}
          - {key: idle, provider: openai, api_key: sk-upstream-i, base_url: "%s/v1", timeout: 8s, stream_idle_timeout: 500ms}
          - {key: c, provider: anthropic, api_key: sk-ant-upstream-c, base_url: "%s", timeout: 1s}
        """.formatted(a.url(), a.url(), a.url(), c.url()) + rest;
    gateway = GatewayServer.start(ConfigLoader.parse(config, Map.of())).await(10, TimeUnit.SECONDS);
  }

  HttpResponse<String> post(boolean stream) throws Exception {
    return send(stream).get(9, TimeUnit.SECONDS);
  }

  CompletableFuture<HttpResponse<String>> send(boolean stream) {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]"
        + (stream ? ",\"stream\":true" : "") + "}";
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .header("content-type", "application/json")
        .timeout(Duration.ofSeconds(8))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void breakerOpensAfterFailuresSkipsTheTargetThenClosesAfterAProbe() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: primary, virtual_key: a, models: [gpt-4o], circuit_breaker: {failure_threshold: 2, success_threshold: 1, timeout: 400ms}}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(status(500, OAI_ERROR)).then(status(500, OAI_ERROR));
    c.always(body200("application/json", resource(ANTHROPIC_TEXT)));

    // two failures: each fails over
    for (int i = 1; i <= 2; i++) {
      HttpResponse<String> r = post(false);
      assertThat(r.statusCode()).isEqualTo(200);
      assertRouting(r, "backup", 2);
      assertThat(a.received()).hasSize(i);
    }
    // open: the primary is not even asked
    HttpResponse<String> skipped = post(false);
    assertThat(skipped.statusCode()).isEqualTo(200);
    assertThat(skipped.headers().allValues("x-switchboard-target")).containsExactly("backup");
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(3);

    // after the open period, one probe goes through and closes the breaker
    Thread.sleep(500);
    a.always(body200("application/json", resource(OPENAI_TEXT)));
    HttpResponse<String> probe = post(false);
    assertThat(probe.statusCode()).isEqualTo(200);
    assertRouting(probe, "primary", 1);
    assertThat(Json.parseOrNull(Buffer.buffer(probe.body())).get("id").asText()).isEqualTo(OPENAI_TEXT_ID);
    HttpResponse<String> closed = post(false);
    assertRouting(closed, "primary", 1);
    assertThat(a.received()).hasSize(4);
    assertThat(c.received()).hasSize(3);
  }

  @Test
  void aFailedProbeReopensTheBreaker() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: primary, virtual_key: a, models: [gpt-4o], circuit_breaker: {failure_threshold: 1, success_threshold: 1, timeout: 300ms}}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(status(503, OAI_ERROR)).then(status(503, OAI_ERROR));
    c.always(body200("application/json", resource(ANTHROPIC_TEXT)));

    assertRouting(post(false), "backup", 2);     // opens
    assertThat(post(false).headers().allValues("x-switchboard-target")).containsExactly("backup");  // skipped
    assertThat(a.received()).hasSize(1);
    Thread.sleep(400);
    assertRouting(post(false), "backup", 2);     // the probe fails: open again
    assertThat(post(false).headers().allValues("x-switchboard-target")).containsExactly("backup");
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(4);
  }

  @Test
  void everyBreakerOpenIsA503CircuitOpen() throws Exception {
    start("""
        strategy: {mode: single}
        targets:
          - {name: only, virtual_key: a, models: [gpt-4o], circuit_breaker: {failure_threshold: 1, success_threshold: 1, timeout: 5s}}
        """);
    a.then(status(500, OAI_ERROR));

    assertCleanError(post(false), 500, "server_error", "upstream_busy");
    HttpResponse<String> open = post(false);
    assertCleanError(open, 503, "api_error", "circuit_open");
    assertThat(a.received()).hasSize(1);
  }

  @Test
  void rateLimitParksTheTargetForItsRetryAfterWithoutOpeningTheBreaker() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - name: primary
            virtual_key: a
            models: [gpt-4o]
            circuit_breaker: {failure_threshold: 1, success_threshold: 1, timeout: 30s}
            retry: {attempts: 2, max_retry_after_ms: 10}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.withHeader("retry-after", "0.6", status(429,
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
    c.always(body200("application/json", resource(ANTHROPIC_TEXT)));

    assertRouting(post(false), "backup", 2);
    HttpResponse<String> parked = post(false);
    assertThat(parked.headers().allValues("x-switchboard-target")).containsExactly("backup");
    assertThat(a.received()).hasSize(1);

    Thread.sleep(700);  // parked for 0.6 s only, and the breaker (threshold 1) did not open on a 429
    a.then(body200("application/json", resource(OPENAI_TEXT)));
    assertRouting(post(false), "primary", 1);
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(2);
  }

  @Test
  void concurrencyCapOverflowIsA429() throws Exception {
    start("""
        strategy: {mode: single}
        targets:
          - {name: only, virtual_key: slow, models: [gpt-4o], concurrency: {max_concurrency: 1, queue_size: 0}}
        """);
    a.then(FaultyUpstream.sse(openAiEvents(), openAiEvents().size(), End.END, Duration.ofMillis(600), Duration.ofMillis(2)));

    CompletableFuture<HttpResponse<String>> first = send(true);
    awaitTrue(Duration.ofSeconds(2), () -> a.received().size() == 1);
    HttpResponse<String> second = post(true);

    assertCleanError(second, 429, "rate_limit_error", "concurrency_limit");
    HttpResponse<String> firstDone = first.get(5, TimeUnit.SECONDS);
    assertThat(firstDone.statusCode()).isEqualTo(200);
    assertThat(data(firstDone.body()).getLast()).isEqualTo("[DONE]");
    assertThat(a.received()).hasSize(1);
  }

  @Test
  void requestTimeoutAnswers504AndCancelsTheUpstream() throws Exception {
    start("""
        request_timeout: 800ms
        strategy: {mode: fallback}
        targets:
          - {name: slow, virtual_key: slow, models: [gpt-4o]}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.hang());

    long start = System.nanoTime();
    HttpResponse<String> response = post(false);

    assertThat(millisSince(start)).isBetween(800L, 1500L);
    assertCleanError(response, 504, "timeout_error", "request_timeout");
    awaitTrue(Duration.ofSeconds(1), () -> !a.abandonedAtNanos().isEmpty());
    assertAbandoned(a, 1);
    assertThat(c.received()).isEmpty();
  }

  @Test
  void perTargetTimeoutOverridesTheProviders() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: slow, virtual_key: slow, models: [gpt-4o], timeout: 300ms}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.hang());
    c.then(body200("application/json", resource(ANTHROPIC_TEXT)));

    long start = System.nanoTime();
    HttpResponse<String> response = post(false);

    assertThat(millisSince(start)).isBetween(300L, 1000L);
    assertThat(response.statusCode()).isEqualTo(200);
    assertRouting(response, "backup", 2);
    assertAbandoned(a, 1);
  }

  @Test
  void streamIdleTimeoutEndsAStalledStreamWithAnErrorEvent() throws Exception {
    start("""
        strategy: {mode: single}
        targets:
          - {name: idle, virtual_key: idle, models: [gpt-4o]}
        """);
    a.then(FaultyUpstream.sse(openAiEvents(), 2, End.STALL, Duration.ZERO, Duration.ofMillis(2)));

    long start = System.nanoTime();
    HttpResponse<String> response = post(true);

    assertThat(millisSince(start)).isBetween(450L, 2000L);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> data = data(response.body());
    assertThat(data).hasSize(3).doesNotContain("[DONE]");
    JsonNode error = Json.parseOrNull(Buffer.buffer(data.getLast()));
    assertThat(error.at("/error/type").asText()).isIn("timeout_error", "api_error");
    assertAbandoned(a, 1);
  }

  @Test
  void aClientDisconnectDoesNotCountAgainstTheBreaker() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: primary, virtual_key: a, models: [gpt-4o], circuit_breaker: {failure_threshold: 1, success_threshold: 1, timeout: 30s}}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.sse(openAiEvents().subList(0, 5), 100_000, End.END, Duration.ZERO, Duration.ofMillis(20)));

    String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder seen = new StringBuilder();
      byte[] buf = new byte[4096];
      while (seen.toString().split("data:", -1).length - 1 < 2) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    }
    awaitTrue(Duration.ofSeconds(2), () -> !a.abandonedAtNanos().isEmpty());
    assertAbandoned(a, 1);

    a.then(FaultyUpstream.sse(openAiEvents()));
    HttpResponse<String> next = post(true);
    assertRouting(next, "primary", 1);
    assertThat(text(data(next.body()))).isNotEmpty();
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).isEmpty();
  }
}
