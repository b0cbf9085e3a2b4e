package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.plugin.Exchange;
import io.switchboard.server.GatewayServer;
import io.switchboard.testing.GatewayProcess;
import io.switchboard.testing.Services;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget plugin through real gateways. The mock answers with the recorded usage of 16 prompt and 363
 * completion tokens, priced as gpt-4o ($2.50 and $10 per million): $0.00367 a request.
 */
@Timeout(90)
class BudgetE2eTest extends E2eResources {
  static final String OK = "/providers/openai/vercel-ai/openai-text.json";
  static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  static final long COST_NANOS = 3_670_000;  // 16 x 2.5e-6 + 363 x 1e-5 dollars

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  HttpResponse<String> post(String baseUrl, String apiKey) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
        .header("content-type", "application/json").header("authorization", "Bearer " + apiKey)
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parseOrNull(Buffer.buffer(response.body())).path("error");
  }

  @Test
  void anInJvmGatewayCountsEachAnswerAndRefusesWith402() throws Exception {
    MockUpstream upstream = new MockUpstream().always(json(200, resource(OK)));
    closing.add(upstream);
    GatewayServer server = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 2}
        providers: [{key: a, provider: openai, api_key: sk-upstream, base_url: "%s/v1"}]
        plugins:
          - name: budget
            type: budget
            stage: before_request
            enabled: true
            config:
              spend_limit_usd: 0.005
              period: daily
        """.formatted(upstream.url()), Map.of())).await(10, TimeUnit.SECONDS);
    closing.add(() -> server.stop().await(10, TimeUnit.SECONDS));
    String base = "http://127.0.0.1:" + server.port();

    HttpResponse<String> first = post(base, "sk-client-secret");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-switchboard-budget-limit")).hasValue("0.005");
    assertThat(first.headers().firstValue("x-switchboard-budget-remaining")).hasValue("0.005000");

    HttpResponse<String> second = awaitRemaining(base, "0.001330");
    assertThat(second.statusCode()).isEqualTo(200);

    HttpResponse<String> refused = awaitStatus(base, "sk-client-secret", 402);
    String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1) + "T00:00:00Z";
    assertThat(error(refused).path("message").asText()).isEqualTo("request rejected by budget (before_request): budget exceeded for key "
        + Exchange.keyId("sk-client-secret") + ": spent $0.0073 of $0.005 today (resets " + tomorrow + ").");
    assertThat(error(refused).path("type").asText()).isEqualTo("insufficient_quota");
    assertThat(error(refused).path("code").asText()).isEqualTo("insufficient_quota");
    assertThat(error(refused).has("param")).isTrue();
    assertThat(refused.body()).doesNotContain("sk-client-secret");
    assertThat(refused.headers().firstValue("x-switchboard-budget-remaining")).hasValue("0.000000");
    assertThat(upstream.received()).hasSize(2);
    // Another key still goes through.
    assertThat(post(base, "sk-other").statusCode()).isEqualTo(200);
  }

  @Test
  void aStreamIsCountedFromTheUsageTheGatewayAskedFor() throws Exception {
    MockUpstream upstream = new MockUpstream()
        .then(MockUpstream.sse(MockUpstream.rawEvents(resource(GatewayOpenAiJavaE2eTest.OPENAI_STREAM))))
        .always(json(200, resource(OK)));
    closing.add(upstream);
    GatewayServer server = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 1}
        providers: [{key: a, provider: openai, api_key: sk-upstream, base_url: "%s/v1"}]
        plugins:
          - {name: budget, type: budget, stage: before_request, config: {spend_limit_usd: 0.0003}}
        """.formatted(upstream.url()), Map.of())).await(10, TimeUnit.SECONDS);
    closing.add(() -> server.stop().await(10, TimeUnit.SECONDS));
    String base = "http://127.0.0.1:" + server.port();

    HttpResponse<String> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("content-type", "application/json").header("authorization", "Bearer sk-client-secret")
        .POST(HttpRequest.BodyPublishers.ofString(BODY.replace("}]}", "}],\"stream\":true}"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body()).contains("data: [DONE]");
    assertThat(upstream.received().getFirst().body().path("stream_options").path("include_usage").asBoolean())
        .as("the gateway asked for usage").isTrue();
    // 79 prompt + 1 completion tokens of gpt-4o: $0.0002075 of the $0.0003.
    awaitRemaining(base, "0.000092");
    assertThat(awaitStatus(base, "sk-client-secret", 402).body()).contains("of $0.0003 this month");
  }

  /** The next answer on the key, once the previous one had time to be counted; it reports {@code remaining}. */
  HttpResponse<String> awaitRemaining(String base, String remaining) throws Exception {
    // An answer is counted when its last byte is out: a moment after the client may already have it.
    Thread.sleep(100);
    HttpResponse<String> r = post(base, "sk-client-secret");
    assertThat(r.headers().firstValue("x-switchboard-budget-remaining")).hasValue(remaining);
    return r;
  }

  HttpResponse<String> awaitStatus(String base, String apiKey, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    HttpResponse<String> r;
    do {
      Thread.sleep(20);
      r = post(base, apiKey);
    } while (r.statusCode() != status && System.nanoTime() < deadline);
    assertThat(r.statusCode()).isEqualTo(status);
    return r;
  }

  @Test
  void spendOnOneReplicaBlocksTheKeyOnAnother() throws Exception {
    String redisUrl = Services.requireRedis();
    String prefix = "sbtest:" + UUID.randomUUID() + ":";
    MockUpstream upstream = new MockUpstream().always(json(200, resource(OK)));
    closing.add(upstream);
    Path config = Files.writeString(dir.resolve("switchboard.yaml"), """
        server: {host: 127.0.0.1, event_loops: 2}
        providers: [{key: a, provider: openai, api_key: sk-upstream, base_url: "%s/v1"}]
        plugins:
          - name: budget
            type: budget
            stage: before_request
            enabled: true
            config:
              spend_limit_usd: 0.005
              backend: redis
              url: %s
              key_prefix: "%s"
        """.formatted(upstream.url(), redisUrl, prefix));
    GatewayProcess a = GatewayProcess.start(config, Map.of());
    closing.add(a);
    GatewayProcess b = GatewayProcess.start(config, Map.of());
    closing.add(b);
    Vertx vertx = Vertx.vertx();
    closing.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
    Redis redis = Redis.createClient(vertx, redisUrl);
    closing.add(() -> {
      Response keys = redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await(5, TimeUnit.SECONDS);
      if (keys.size() > 0) {
        Request del = Request.cmd(Command.DEL);
        keys.forEach(k -> del.arg(k.toString()));
        redis.send(del).await(5, TimeUnit.SECONDS);
      }
      redis.close();
    });

    assertThat(post(a.baseUrl(), "sk-team").statusCode()).isEqualTo(200);
    assertThat(post(a.baseUrl(), "sk-team").statusCode()).isEqualTo(200);
    String month = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC).toString().substring(0, 7);
    String key = prefix + "key:" + Exchange.keyId("sk-team") + ":" + month;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Response spent;
    do {
      Thread.sleep(20);
      spent = redis.send(Request.cmd(Command.GET).arg(key)).await(5, TimeUnit.SECONDS);
    } while ((spent == null || spent.toLong() < 2 * COST_NANOS) && System.nanoTime() < deadline);
    assertThat(spent).as("spend in Redis").isNotNull();
    assertThat(spent.toLong()).isEqualTo(2 * COST_NANOS);

    HttpResponse<String> onB = post(b.baseUrl(), "sk-team");
    assertThat(onB.statusCode()).as(onB.body()).isEqualTo(402);
    assertThat(error(onB).path("message").asText()).contains("spent $0.0073 of $0.005 this month");
    assertThat(upstream.received()).hasSize(2);
    HttpResponse<String> otherKey = post(b.baseUrl(), "sk-other");
    assertThat(otherKey.statusCode()).isEqualTo(200);
    assertThat(otherKey.headers().firstValue("x-switchboard-budget-remaining")).hasValue("0.005000");
  }
}
