package io.switchboard.plugin.ratelimit;

import io.switchboard.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plugin on exchanges, with the in-memory backend and a clock the test moves. */
class RateLimitPluginTest {
  static Vertx vertx;
  final MutableClock clock = new MutableClock();
  final AtomicInteger upstreamCalls = new AtomicInteger();
  final Plugin.Chain upstream = ex -> {
    upstreamCalls.incrementAndGet();
    return Future.succeededFuture(new Outcome(new UpstreamResponse.Complete(Buffer.buffer("{}"), null), null, 1));
  };

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  Plugin plugin(String config) {
    PluginSettings settings = ConfigLoader.parse("""
        providers: [{key: m, provider: mock}]
        plugins:
          - name: rate-limit
            type: ratelimit
            stage: before_request
            config: %s
        """.formatted(config), Map.of()).plugins().getFirst().settings();
    return settings.create(new PluginContext(vertx, PriceCatalog.of(Map.of()), clock, Optional.empty(), "rate-limit",
        Stage.BEFORE_REQUEST));
  }

  static Exchange request(String key, String user, String model) {
    ObjectNode body = Json.object().put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", "Hi");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (key != null) {
      headers.set("authorization", "Bearer " + key);
    }
    if (user != null) {
      headers.set(Exchange.USER_HEADER, user);
    }
    return Exchanges.of(io.switchboard.provider.Operation.CHAT, body, headers);
  }

  static Exchange request() {
    return request("sk-a", null, "gpt-4o");
  }

  Future<Outcome> run(Plugin p, Exchange ex) {
    Future<Outcome> f = p.handle(ex, upstream);
    assertThat(f.isComplete()).as("the memory backend answers at once").isTrue();
    return f;
  }

  static ApiException denial(Future<Outcome> f) {
    assertThat(f.failed()).as("denied").isTrue();
    assertThat(f.cause()).isInstanceOf(ApiException.class);
    return (ApiException) f.cause();
  }

  static Finish finished(long prompt, long completion) {
    String body = "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt
        + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}";
    return new Finish(200, false, "openai", "m", "gpt-4o", 1, 1_000_000, -1, null, Buffer.buffer(body), null,
        PriceCatalog.of(Map.of()));
  }

  @Test
  void theGuidesBlockAdmitsTwentyThenAnswers429WithRetryAfterAndTheOpenAiErrorShape() {
    Plugin p = plugin("{requests_per_second: 1.67, burst: 20}");
    for (int i = 0; i < 20; i++) {
      Exchange ex = request();
      assertThat(run(p, ex).succeeded()).isTrue();
      MultiMap h = ex.responseHeaders();
      assertThat(h.get("x-ratelimit-limit-requests")).isEqualTo("20");
      assertThat(h.get("x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(19 - i));
      assertThat(h.get("retry-after")).isNull();
    }
    assertThat(upstreamCalls).hasValue(20);

    Exchange ex = request();
    ApiException e = denial(run(p, ex));
    assertThat(upstreamCalls).hasValue(20);
    assertThat(e.status()).isEqualTo(429);
    JsonNode json = Json.parseOrNull(Buffer.buffer(e.toJson().toString()));
    assertThat(json.toString()).isEqualTo("{\"error\":{\"message\":\"request rejected by rate-limit (before_request): rate limit exceeded: requests_per_second "
        + "(1.67 requests per second, burst 20); retry in 1 s.\",\"type\":\"rate_limit_error\",\"param\":null,"
        + "\"code\":\"rate_limit_exceeded\"}}");
    assertThat(ex.responseHeaders().get("retry-after")).isEqualTo("1");
    assertThat(ex.responseHeaders().get("x-ratelimit-remaining-requests")).isEqualTo("0");
    assertThat(ex.responseHeaders().get("x-ratelimit-reset-requests")).isEqualTo("11.9s");  // 20 tokens at 1.67/s

    clock.advance(600);
    assertThat(run(p, request()).succeeded()).isTrue();
  }

  @Test
  void retryAfterIsTheWaitForTheNextTokenInWholeSecondsRoundedUp() {
    Plugin p = plugin("{requests_per_second: 0.2, burst: 1}");  // a token every 5 s
    run(p, request());
    clock.advance(1200);
    Exchange ex = request();
    denial(run(p, ex));
    assertThat(ex.responseHeaders().get("retry-after")).isEqualTo("4");  // 3.8 s
    assertThat(ex.responseHeaders().get("x-ratelimit-reset-requests")).isEqualTo("3.8s");
  }

  @Test
  void scopeKeyGivesEachApiKeyItsOwnBucket() {
    Plugin p = plugin("{requests_per_second: 0.001, burst: 2, scope: key}");
    assertThat(run(p, request("sk-a", null, "m")).succeeded()).isTrue();
    assertThat(run(p, request("sk-a", null, "m")).succeeded()).isTrue();
    assertThat(denial(run(p, request("sk-a", null, "m"))).getMessage())
        .startsWith("request rejected by rate-limit (before_request): rate limit exceeded: requests_per_second (0.001 requests per second per API key, burst 2)");
    assertThat(run(p, request("sk-b", null, "m")).succeeded()).isTrue();
    assertThat(run(p, request(null, null, "m")).succeeded()).isTrue();  // anonymous is a key of its own
  }

  @Test
  void scopeModelGivesEachModelItsOwnBucket() {
    Plugin p = plugin("{requests_per_second: 0.001, burst: 1, scope: model}");
    assertThat(run(p, request("sk-a", null, "gpt-4o")).succeeded()).isTrue();
    denial(run(p, request("sk-b", null, "gpt-4o")));
    assertThat(run(p, request("sk-a", null, "claude")).succeeded()).isTrue();
  }

  @Test
  void userLimitsLeaveRequestsWithoutAUserAlone() {
    Plugin p = plugin("{user_rpm: 2}");
    assertThat(run(p, request("sk-a", "alice", "m")).succeeded()).isTrue();
    assertThat(run(p, request("sk-b", "alice", "m")).succeeded()).isTrue();
    Exchange denied = request("sk-c", "alice", "m");
    assertThat(denial(run(p, denied)).getMessage())
        .isEqualTo("request rejected by rate-limit (before_request): rate limit exceeded: user_rpm (2 requests per minute per user); retry in 30 s.");
    assertThat(denied.responseHeaders().get("retry-after")).isEqualTo("30");
    assertThat(run(p, request("sk-a", "bob", "m")).succeeded()).isTrue();
    for (int i = 0; i < 5; i++) {
      Exchange anonymousUser = request("sk-a", null, "m");
      assertThat(run(p, anonymousUser).succeeded()).isTrue();
      assertThat(anonymousUser.responseHeaders().get("x-ratelimit-limit-requests")).isNull();
    }
    // the body's user field counts as well
    ObjectNode body = Json.object().put("model", "m").put("user", "alice");
    body.putArray("messages").addObject().put("role", "user").put("content", "Hi");
    denial(run(p, Exchanges.chat(body)));
  }

  @Test
  void aKeyOverItsRpmDoesNotUseUpTheGlobalBucketAndHeadersShowTheTightestLimit() {
    Plugin p = plugin("{requests_per_second: 0.001, burst: 10, key_rpm: 3}");
    for (int i = 0; i < 3; i++) {
      Exchange ex = request("sk-a", null, "m");
      assertThat(run(p, ex).succeeded()).isTrue();
      assertThat(ex.responseHeaders().get("x-ratelimit-limit-requests")).isEqualTo("3");
      assertThat(ex.responseHeaders().get("x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(2 - i));
    }
    for (int i = 0; i < 20; i++) {
      Exchange ex = request("sk-a", null, "m");
      assertThat(denial(run(p, ex)).getMessage()).startsWith("request rejected by rate-limit (before_request): rate limit exceeded: key_rpm (3 requests per minute "
          + "per API key); retry in 20 s.");
      assertThat(ex.responseHeaders().get("x-ratelimit-limit-requests")).isEqualTo("3");
      assertThat(ex.responseHeaders().get("x-ratelimit-reset-requests")).isEqualTo("1m0s");
    }
    for (int i = 0; i < 7; i++) {  // the global bucket still holds 7
      assertThat(run(p, request("sk-" + i, null, "m")).succeeded()).as("key %d", i).isTrue();
    }
    Exchange ex = request("sk-new", null, "m");
    assertThat(denial(run(p, ex)).getMessage()).startsWith("request rejected by rate-limit (before_request): rate limit exceeded: requests_per_second");
    assertThat(ex.responseHeaders().get("x-ratelimit-limit-requests")).isEqualTo("10");
    assertThat(upstreamCalls).hasValue(10);
  }

  @Test
  void keyTpmCountsTheTokensAnswersReportedAndWaitsUntilTheBucketRefills() {
    Plugin p = plugin("{key_tpm: 1200}");  // 20 tokens a second
    assertThat(p.needsAnswer()).isTrue();
    Exchange first = request();
    assertThat(run(p, first).succeeded()).isTrue();
    assertThat(first.responseHeaders().get("x-ratelimit-limit-tokens")).isEqualTo("1200");
    assertThat(first.responseHeaders().get("x-ratelimit-remaining-tokens")).isEqualTo("1200");
    assertThat(first.responseHeaders().get("x-ratelimit-reset-tokens")).isEqualTo("0s");
    assertThat(first.responseHeaders().get("x-ratelimit-limit-requests")).isNull();
    p.onFinish(first, finished(800, 200));

    Exchange second = request();
    assertThat(run(p, second).succeeded()).isTrue();
    assertThat(second.responseHeaders().get("x-ratelimit-remaining-tokens")).isEqualTo("200");
    assertThat(second.responseHeaders().get("x-ratelimit-reset-tokens")).isEqualTo("50s");
    p.onFinish(second, finished(300, 100));  // 200 - 400 = -200

    Exchange over = request();
    assertThat(denial(run(p, over)).getMessage())
        .isEqualTo("request rejected by rate-limit (before_request): rate limit exceeded: key_tpm (1200 tokens per minute per API key); retry in 11 s.");
    assertThat(over.responseHeaders().get("retry-after")).isEqualTo("11");  // 10 s to reach 0, then above it
    assertThat(over.responseHeaders().get("x-ratelimit-remaining-tokens")).isEqualTo("0");
    ObjectNode error = (ObjectNode) denial(run(p, request())).toJson().get("error");
    p.onFinish(over, new Finish(429, false, null, null, null, 0, 0, -1, null, null, error, PriceCatalog.of(Map.of())));
    assertThat(run(p, request("sk-other", null, "m")).succeeded()).isTrue();

    clock.advance(10_001);
    assertThat(run(p, request()).succeeded()).isTrue();
    assertThat(upstreamCalls).hasValue(4);
  }

  @Test
  void resetDurationsReadLikeOpenAis() {
    assertThat(RateLimitPlugin.duration(0)).isEqualTo("0s");
    assertThat(RateLimitPlugin.duration(20)).isEqualTo("20ms");
    assertThat(RateLimitPlugin.duration(1000)).isEqualTo("1s");
    assertThat(RateLimitPlugin.duration(1250)).isEqualTo("1.2s");
    assertThat(RateLimitPlugin.duration(59_999)).isEqualTo("59.9s");
    assertThat(RateLimitPlugin.duration(360_000)).isEqualTo("6m0s");
    assertThat(RateLimitPlugin.duration(3_723_400)).isEqualTo("1h2m3s");
  }
}
