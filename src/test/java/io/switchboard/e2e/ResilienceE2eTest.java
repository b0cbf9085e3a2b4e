package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.testing.Services;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Breakers, parking, caps, timeouts and the context-window fallback through the real gateway. */
@Timeout(30)
class ResilienceE2eTest extends E2eResources {
  static final String OK = "/providers/openai/vercel-ai/openai-text.json";
  static final String STREAM = GatewayOpenAiJavaE2eTest.OPENAI_STREAM;
  static final String FAIL = "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}";
  static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HttpResponse<String> post(int port, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parseOrNull(Buffer.buffer(response.body())).path("error");
  }

  @Test
  void theBreakerOpensSkipsTheTargetAndClosesAfterAProbe() throws Exception {
    MockUpstream a = upstream().always(json(500, FAIL));
    int port = gateway("""
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        targets:
          - virtual_key: a
            circuit_breaker: {failure_threshold: 2, success_threshold: 1, timeout: 400ms}
        """.formatted(a.url()));

    assertThat(post(port, BODY).statusCode()).isEqualTo(500);
    assertThat(post(port, BODY).statusCode()).isEqualTo(500);
    HttpResponse<String> open = post(port, BODY);
    assertThat(open.statusCode()).isEqualTo(503);
    assertThat(error(open).path("code").asText()).isEqualTo("circuit_open");
    assertThat(open.body()).doesNotContain("sk-a");
    assertThat(a.received()).hasSize(2);

    Thread.sleep(450);
    a.always(json(200, resource(OK)));
    assertThat(post(port, BODY).statusCode()).isEqualTo(200);  // the probe
    assertThat(post(port, BODY).statusCode()).isEqualTo(200);
    assertThat(a.received()).hasSize(4);
  }

  @Test
  void a429ParksTheTargetAndAllParkedIs429WithRetryAfter() throws Exception {
    MockUpstream a = upstream().then(MockUpstream.withHeader("retry-after", "7", json(429,
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")));
    int port = gateway("""
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        """.formatted(a.url()));

    assertThat(post(port, BODY).statusCode()).isEqualTo(429);
    HttpResponse<String> parked = post(port, BODY);
    assertThat(parked.statusCode()).isEqualTo(429);
    assertThat(error(parked).path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(Integer.parseInt(parked.headers().firstValue("retry-after").orElseThrow())).isBetween(6, 7);
    assertThat(a.received()).hasSize(1);
  }

  @Test
  void overTheConcurrencyCapFailsOverOrAnswers429() throws Exception {
    MockUpstream a = upstream().always((req, b) -> Vertx.currentContext().owner().setTimer(600,
        id -> req.response().putHeader("content-type", "application/json").end(resource(OK))));
    MockUpstream b = upstream().always(json(200, resource(OK)));
    int port = gateway("""
        providers:
          - {key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}
          - {key: b, provider: openai, api_key: sk-b, base_url: "%s/v1"}
        targets:
          - {virtual_key: a, concurrency: {max_concurrency: 1}}
          - {virtual_key: b, concurrency: {max_concurrency: 1}}
        """.formatted(a.url(), b.url()));
    String onlyA = BODY.replace("gpt-4o", "a/gpt-4o");

    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
      try {
        return post(port, onlyA);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (a.received().isEmpty() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    HttpResponse<String> other = post(port, BODY);
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("x-switchboard-target")).contains("b");
    HttpResponse<String> full = post(port, onlyA);
    assertThat(full.statusCode()).isEqualTo(429);
    assertThat(error(full).path("code").asText()).isEqualTo("concurrency_limit");
    assertThat(slow.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(post(port, onlyA).statusCode()).isEqualTo(200);  // the slot was released
    assertThat(a.received()).hasSize(2);
  }

  @Test
  void aClientLeavingMidStreamFreesTheSlotAndTheUpstream() throws Exception {
    List<String> events = MockUpstream.rawEvents(resource(STREAM));
    MockUpstream a = upstream().then((req, b) -> {
      req.response().setChunked(true).putHeader("content-type", "text/event-stream").write(events.get(0));
      // then silence until the gateway hangs up
    }).always(json(200, resource(OK)));
    int port = gateway("""
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        targets: [{virtual_key: a, concurrency: {max_concurrency: 1}}]
        """.formatted(a.url()));
    HttpResponse<java.io.InputStream> stream = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY.replace("}]}", "}],\"stream\":true}"))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body().read()).isPositive();
    HttpResponse<String> busy = post(port, BODY);
    assertThat(busy.statusCode()).isEqualTo(429);  // the stream holds the only slot
    stream.body().close();  // the client goes away mid-stream

    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int status = 0;
    while (System.nanoTime() < until && (status = post(port, BODY).statusCode()) != 200) {
      Thread.sleep(20);
    }
    assertThat(status).isEqualTo(200);
    until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (a.openConnections() > 1 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(a.openConnections()).isLessThanOrEqualTo(1);  // the stream's upstream connection is gone
  }

  @Test
  void theRequestTimeoutIsA504AndLeavesNoUpstreamConnection() throws Exception {
    MockUpstream a = upstream().always(MockUpstream.hang());
    int port = gateway("""
        request_timeout: 300ms
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1", timeout: 30s}]
        """.formatted(a.url()));
    long start = System.nanoTime();
    HttpResponse<String> response = post(port, BODY);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(error(response).path("type").asText()).isEqualTo("timeout_error");
    assertThat(error(response).path("code").asText()).isEqualTo("request_timeout");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (a.openConnections() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(a.openConnections()).isZero();
  }

  @Test
  void aStreamThatGoesQuietEndsWithAnSseError() throws Exception {
    List<String> events = MockUpstream.rawEvents(resource(STREAM));
    MockUpstream a = upstream().then((req, b) -> {
      req.response().setChunked(true).putHeader("content-type", "text/event-stream").write(events.get(0));
      // and then nothing: no further event, no end
    });
    int port = gateway("""
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1", stream_idle_timeout: 300ms}]
        """.formatted(a.url()));
    HttpResponse<String> response = post(port, BODY.replace("}]}", "}],\"stream\":true}"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith(events.get(0).strip());
    assertThat(response.body()).contains("\"code\":\"stream_idle_timeout\"");
  }

  @Test
  void aStreamWhoseGapsStayUnderTheIdleTimeoutRunsLongerThanIt() throws Exception {
    List<String> events = MockUpstream.rawEvents(resource(STREAM));
    MockUpstream a = upstream().then((req, b) -> {
      var response = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      var vertx = io.vertx.core.Vertx.currentContext().owner();
      int[] next = {0};
      // One event every 120 ms: each gap well under the idle timeout, the whole stream more than twice it.
      vertx.setPeriodic(120, id -> {
        if (next[0] < events.size()) {
          response.write(events.get(next[0]++));
        } else {
          vertx.cancelTimer(id);
          response.end();
        }
      });
    });
    int port = gateway("""
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1", stream_idle_timeout: 300ms}]
        """.formatted(a.url()));
    long start = System.nanoTime();
    HttpResponse<String> response = post(port, BODY.replace("}]}", "}],\"stream\":true}"));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThan(600);
    assertThat(events.size()).isGreaterThanOrEqualTo(5);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("stream_idle_timeout").contains("[DONE]");
  }

  @Test
  void aContextLengthErrorGoesToTheConfiguredFallback() throws Exception {
    MockUpstream claude = upstream().then(json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"prompt is too long: 215000 tokens > 200000 maximum\"}}"));
    MockUpstream big = upstream().then(json(200, resource(OK)));
    int port = gateway("""
        providers:
          - {key: claude, provider: anthropic, api_key: sk-ant-x, base_url: "%s"}
          - {key: big, provider: openai, api_key: sk-b, base_url: "%s/v1"}
        strategy: {mode: single}
        context_window_fallback: big
        targets:
          - virtual_key: claude
          - {virtual_key: big, model_map: {claude-3-5-haiku-latest: gpt-4.1}}
        """.formatted(claude.url(), big.url()));
    HttpResponse<String> response = post(port, BODY.replace("gpt-4o", "claude-3-5-haiku-latest"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-switchboard-target")).contains("big");
    assertThat(big.received().getFirst().body().path("model").asText()).isEqualTo("gpt-4.1");
    assertThat(claude.received()).hasSize(1);
  }

  @Test
  void twoGatewaysSharingRedisShareTheBreaker() throws Exception {
    String url = Services.requireRedis();
    MockUpstream a = upstream().always(json(502, FAIL));
    MockUpstream b = upstream().always(json(200, resource(OK)));
    String config = """
        state: {backend: redis, url: "%s", key_prefix: "switchboard-e2e:%s:"}
        circuit_breaker: {failure_threshold: 2, timeout: 30s}
        providers:
          - {key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}
          - {key: b, provider: openai, api_key: sk-b, base_url: "%s/v1"}
        """.formatted(url, UUID.randomUUID(), a.url(), b.url());
    int one = gateway(config);
    int two = gateway(config);

    for (int i = 0; i < 2; i++) {
      HttpResponse<String> failedOver = post(one, BODY);
      assertThat(failedOver.statusCode()).isEqualTo(200);
      assertThat(failedOver.headers().firstValue("x-switchboard-target")).contains("b");
    }
    assertThat(a.received()).hasSize(2);
    Thread.sleep(200);  // the Redis message crosses over

    HttpResponse<String> fromTwo = post(two, BODY);
    assertThat(fromTwo.statusCode()).isEqualTo(200);
    assertThat(fromTwo.headers().firstValue("x-switchboard-attempts")).contains("1");
    assertThat(a.received()).hasSize(2);  // the second gateway skipped the target the first one opened
  }
}
