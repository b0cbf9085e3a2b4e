package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChatStreamAssembler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What plugins hear when a request is over, through a real gateway: every request reports once, with the
 * status the client got, the served target, usage and cost; a stream reports its assembled answer and its
 * usage even when the client did not ask for usage, and the client's stream keeps the shape it asked for.
 */
@Timeout(30)
class PluginFinishE2eTest {
  static final Map<String, Finish> FINISHED = new ConcurrentHashMap<>();
  static final Map<String, Integer> REPORTS = new ConcurrentHashMap<>();
  static Vertx vertx;
  static GatewayServer gateway;
  static HttpClient http = HttpClient.newHttpClient();

  /** Denies requests for model "denied"; records every finish by request id. */
  static final class Recorder implements Plugin {
    final boolean wantsAnswer;

    Recorder(boolean wantsAnswer) {
      this.wantsAnswer = wantsAnswer;
    }

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public boolean needsAnswer() {
      return wantsAnswer;
    }

    @Override
    public Future<Outcome> handle(Exchange exchange, Chain next) {
      if (exchange.model().equals("denied")) {
        return Future.failedFuture(new ApiException(429, "rate_limit_exceeded", "rate_limit_exceeded", null, "No."));
      }
      return next.proceed(exchange);
    }

    @Override
    public void onFinish(Exchange exchange, Finish finish) {
      if (wantsAnswer) {
        FINISHED.put(exchange.requestId(), finish);
        REPORTS.merge(exchange.requestId(), 1, Integer::sum);
      }
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    gateway = GatewayServer.start(vertx, ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 2}
        providers: [{key: m, provider: mock, models: [gpt-4o]}]
        strategy: {mode: single}
        """, Map.of()), List.of(new Recorder(false), new Recorder(true))).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static HttpResponse<String> post(String requestId, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .header("content-type", "application/json")
        .header("x-request-id", requestId)
        .header("authorization", "Bearer sk-test-secret")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Finish finish(String requestId) throws InterruptedException {
    for (int i = 0; i < 200 && !FINISHED.containsKey(requestId); i++) {
      Thread.sleep(10);
    }
    assertThat(FINISHED).containsKey(requestId);
    return FINISHED.get(requestId);
  }

  @Test
  void aCompleteAnswerReportsStatusTargetUsageAndCost() throws Exception {
    HttpResponse<String> r = post("fin-complete", """
        {"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}""");
    assertThat(r.statusCode()).isEqualTo(200);
    Finish f = finish("fin-complete");
    assertThat(f.status()).isEqualTo(200);
    assertThat(f.succeeded()).isTrue();
    assertThat(f.stream()).isFalse();
    assertThat(f.provider()).isEqualTo("mock");
    assertThat(f.target()).isEqualTo("m");
    assertThat(f.modelServed()).isEqualTo("gpt-4o");
    assertThat(f.attempts()).isEqualTo(1);
    JsonNode usage = Json.parseOrNull(Buffer.buffer(r.body())).get("usage");
    assertThat(f.usage().promptTokens()).isEqualTo(usage.get("prompt_tokens").asLong()).isPositive();
    assertThat(f.usage().completionTokens()).isEqualTo(usage.get("completion_tokens").asLong()).isPositive();
    // gpt-4o: $2.50 / $10 per million tokens
    assertThat(f.cost()).isCloseTo(f.usage().promptTokens() * 2.5e-6 + f.usage().completionTokens() * 1e-5,
        org.assertj.core.data.Offset.offset(1e-12));
    assertThat(f.responseBytes().toString()).isEqualTo(r.body());
    assertThat(f.latencyNanos()).isPositive();
    assertThat(f.ttftNanos()).isEqualTo(-1);
    assertThat(REPORTS.get("fin-complete")).isEqualTo(1);
  }

  @Test
  void aStreamReportsItsAssembledAnswerAndUsageTheClientDidNotAskFor() throws Exception {
    HttpResponse<String> r = post("fin-stream", """
        {"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"stream please"}]}""");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
    ChatStreamAssembler client = new ChatStreamAssembler();
    client.feed(Buffer.buffer(r.body()));
    client.end();
    Finish f = finish("fin-stream");
    assertThat(f.stream()).isTrue();
    assertThat(f.status()).isEqualTo(200);
    assertThat(f.error()).isNull();
    assertThat(f.ttftNanos()).isPositive().isLessThanOrEqualTo(f.latencyNanos());
    String content = f.response().at("/choices/0/message/content").asText();
    assertThat(content).isEqualTo(client.completion().at("/choices/0/message/content").asText())
        .contains("stream please");
    assertThat(f.usage().completionTokens()).isPositive();
    assertThat(f.cost()).isPositive();
  }

  @Test
  void aStreamWhoseClientAskedForUsageKeepsItsUsageChunk() throws Exception {
    HttpResponse<String> r = post("fin-stream-usage", """
        {"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},
         "messages":[{"role":"user","content":"count me"}]}""");
    assertThat(r.body()).contains("\"usage\"");
    assertThat(finish("fin-stream-usage").usage().promptTokens()).isPositive();
  }

  @Test
  void failuresAndDenialsReportTheStatusTheClientGot() throws Exception {
    assertThat(post("fin-unknown", """
        {"model":"no-such-model","messages":[{"role":"user","content":"x"}]}""").statusCode()).isEqualTo(404);
    Finish unknown = finish("fin-unknown");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.succeeded()).isFalse();
    assertThat(unknown.errorType()).isEqualTo("invalid_request_error");
    assertThat(unknown.provider()).isNull();
    assertThat(unknown.cost()).isNull();

    assertThat(post("fin-denied", """
        {"model":"denied","messages":[{"role":"user","content":"x"}]}""").statusCode()).isEqualTo(429);
    // The denial came from the first recorder; the second, which never ran, still hears of it.
    assertThat(finish("fin-denied").status()).isEqualTo(429);
    assertThat(finish("fin-denied").errorType()).isEqualTo("rate_limit_exceeded");

    assertThat(post("fin-badjson", "{\"model\":").statusCode()).isEqualTo(400);
    assertThat(finish("fin-badjson").status()).isEqualTo(400);
  }
}
