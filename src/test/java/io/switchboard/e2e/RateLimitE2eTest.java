package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ReferenceGuideConfigTestAccess;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rate-limit plugin through real gateways: the guide's block verbatim, usage of streams, and two replicas
 * sharing one limit in Redis.
 */
@Timeout(60)
class RateLimitE2eTest extends E2eResources {
  static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  static final String STREAM_BODY = BODY.replace("{\"model\":\"gpt-4o\",", "{\"model\":\"gpt-4o\",\"stream\":true,");

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HttpResponse<String> post(String baseUrl, String body, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
        .header("content-type", "application/json").header("authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parseOrNull(Buffer.buffer(response.body())).path("error");
  }

  /** The guide's rate-limit block, its Ferro part ("# After: ...") exactly as printed. */
  static String guideBlock() throws Exception {
    String block = ReferenceGuideConfigTestAccess.yamlBlocks().stream().filter(b -> b.contains("name: rate-limit"))
        .findFirst().orElseThrow();
    return block.substring(block.indexOf('\n', block.indexOf("# After")) + 1);
  }

  @Test
  void theGuidesBlockAdmitsABurstOfTwentyThenAnswers429WithRetryAfter() throws Exception {
    MockUpstream a = upstream().always(json(200, resource(ResilienceE2eTest.OK)));
    String guide = guideBlock();
    assertThat(guide).contains("requests_per_second: 1.67  # 100 rpm ÷ 60", "burst: 20");
    int port = gateway("""
        providers: [{key: openai, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        """.formatted(a.url()) + guide);
    String base = "http://127.0.0.1:" + port;
    http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(), HttpResponse.BodyHandlers.discarding());

    long t0 = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      burst.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> r : burst) {
      HttpResponse<String> ok = r.get(20, TimeUnit.SECONDS);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).contains("20");
    }
    HttpResponse<String> denied = post(base, BODY, "sk-client");
    // 1.67 tokens a second flow back in: on a slow machine a later request is the first one over the limit
    long refilled = (long) Math.floor((System.nanoTime() - t0) / 1e9 * 1.67);
    for (int i = 0; i < refilled && denied.statusCode() == 200; i++) {
      denied = post(base, BODY, "sk-client");
    }
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.headers().firstValue("retry-after")).contains("1");
    assertThat(denied.headers().firstValue("x-ratelimit-limit-requests")).contains("20");
    assertThat(denied.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    assertThat(denied.headers().firstValue("x-ratelimit-reset-requests"))
        .hasValueSatisfying(v -> assertThat(v).matches("\\d+(\\.\\d)?s"));  // ~12 s to refill 20 at 1.67/s
    JsonNode e = error(denied);
    assertThat(e.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(e.path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(e.path("message").asText()).isEqualTo(
        "request rejected by rate-limit (before_request): rate limit exceeded: requests_per_second (1.67 requests per second, burst 20); retry in 1 s.");
    assertThat(a.received()).hasSize(20 + (int) Math.min(refilled, 20));
    if (refilled == 0) {
      assertThat(a.received()).hasSize(20);  // the usual case: exactly the burst, the 21st refused
    }

    Thread.sleep(700);  // one token back
    assertThat(post(base, BODY, "sk-client").statusCode()).isEqualTo(200);
  }

  @Test
  void keyTpmCountsTheUsageOfAStreamTheClientDidNotAskUsageFor() throws Exception {
    MockUpstream a = upstream().always(MockUpstream.sse(MockUpstream.rawEvents(resource(ResilienceE2eTest.STREAM))));
    int port = gateway("""
        providers: [{key: openai, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        plugins:
          - {name: rate-limit, config: {key_tpm: 50}}
        """.formatted(a.url()));
    String base = "http://127.0.0.1:" + port;

    HttpResponse<String> first = post(base, STREAM_BODY, "sk-heavy");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).contains("50");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).contains("50");
    assertThat(first.body()).doesNotContain("\"usage\"");  // asked for the plugin, taken out for the client
    assertThat(a.received().getFirst().body().path("stream_options").path("include_usage").asBoolean()).isTrue();

    HttpResponse<String> over = null;
    for (int i = 0; i < 50; i++) {  // the debit lands when the stream's last byte went out
      over = post(base, STREAM_BODY, "sk-heavy");
      if (over.statusCode() == 429) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(error(over).path("message").asText()).startsWith(
        "request rejected by rate-limit (before_request): rate limit exceeded: key_tpm (50 tokens per minute per API key); retry in ");
    int retryAfter = Integer.parseInt(over.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(30, 37);  // 80 tokens used of 50: -30 (or less, if two streams ran) at 50/min
    assertThat(post(base, STREAM_BODY, "sk-light").statusCode()).isEqualTo(200);
  }

  @Test
  void twoReplicasShareOneLimitThroughRedis() throws Exception {
    String redisUrl = Services.requireRedis();
    String prefix = "sbtest:rl-e2e:" + UUID.randomUUID() + ":";
    MockUpstream a = upstream().always(json(200, resource(ResilienceE2eTest.OK)));
    Path config = Files.createTempFile("switchboard-ratelimit-", ".yaml");
    Files.writeString(config, """
        providers: [{key: openai, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        plugins:
          - name: rate-limit
            type: ratelimit
            stage: before_request
            config: {requests_per_second: 0.001, burst: 5, backend: redis, url: "%s", key_prefix: "%s"}
        """.formatted(a.url(), redisUrl, prefix));
    closing.add(() -> Files.deleteIfExists(config));
    Vertx vertx = Vertx.vertx();
    closing.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
    Redis redis = Redis.createClient(vertx, redisUrl);
    closing.add(() -> {
      Response keys = redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await(10, TimeUnit.SECONDS);
      for (Response k : keys) {
        redis.send(Request.cmd(Command.DEL).arg(k.toString())).await(10, TimeUnit.SECONDS);
      }
      redis.close();
    });

    GatewayProcess one = GatewayProcess.start(config, Map.of());
    closing.add(one);
    GatewayProcess two = GatewayProcess.start(config, Map.of());
    closing.add(two);

    int ok = 0;
    List<HttpResponse<String>> denied = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = post((i % 2 == 0 ? one : two).baseUrl(), BODY, "sk-client-" + i);
      if (r.statusCode() == 200) {
        ok++;
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).contains("5");
      } else {
        denied.add(r);
      }
    }
    assertThat(ok).isEqualTo(5);
    assertThat(a.received()).hasSize(5);
    assertThat(denied).hasSize(5).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(error(r).path("code").asText()).isEqualTo("rate_limit_exceeded");
      assertThat(Long.parseLong(r.headers().firstValue("retry-after").orElseThrow())).isBetween(990L, 1000L);
      assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    });
    // both replicas answered both ways: the limit is one, not one each
    assertThat(denied.stream().map(r -> r.uri().getPort()).distinct().count()).isEqualTo(2);
  }
}
