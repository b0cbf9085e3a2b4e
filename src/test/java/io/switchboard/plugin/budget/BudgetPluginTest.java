package io.switchboard.plugin.budget;

import io.switchboard.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BudgetPluginTest {
  static Vertx vertx;

  final MutableClock clock = new MutableClock("2026-11-24T12:00:00Z");
  final AtomicInteger upstreamCalls = new AtomicInteger();
  final Plugin.Chain upstream = ex -> {
    upstreamCalls.incrementAndGet();
    return Future.succeededFuture(new Outcome(new UpstreamResponse.Complete(Buffer.buffer("{}"), null), null, 1));
  };

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  BudgetPlugin plugin(String yamlConfig) {
    NodeReader r = new NodeReader();
    BudgetSettings settings = BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer(yamlConfig)), "config",
        Stage.BEFORE_REQUEST);
    assertThat(r.problems()).isEmpty();
    return (BudgetPlugin) settings.create(new PluginContext(vertx, PriceCatalog.builtIn(), clock, Optional.empty(),
        "budget", Stage.BEFORE_REQUEST));
  }

  static Exchange request(String apiKey, String model, String user) {
    ObjectNode body = Json.object().put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", "hi");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("authorization", "Bearer " + apiKey);
    if (user != null) {
      headers.set(Exchange.USER_HEADER, user);
    }
    return Exchanges.of(Operation.CHAT, body, headers);
  }

  static Finish answered(String modelServed, String usageJson) {
    String body = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[],\"usage\":" + usageJson + "}";
    return new Finish(200, false, "openai", "t", modelServed, 1, 1_000_000, -1, null, Buffer.buffer(body), null,
        PriceCatalog.builtIn());
  }

  /** gpt-4o: 1000 in at $2.50/M + 1000 out at $10/M = $0.0125. */
  static Finish gpt4o1000() {
    return answered("gpt-4o", "{\"prompt_tokens\":1000,\"completion_tokens\":1000,\"total_tokens\":2000}");
  }

  /** Runs a request through the plugin and records its finish with {@code finish}; returns the outcome. */
  Future<Outcome> call(BudgetPlugin plugin, Exchange exchange, Finish finish) {
    Future<Outcome> outcome = plugin.handle(exchange, upstream);
    plugin.onFinish(exchange, outcome.succeeded() ? finish : denied(outcome));
    return outcome;
  }

  static Finish denied(Future<Outcome> outcome) {
    ApiException e = (ApiException) outcome.cause();
    return new Finish(e.status(), false, null, null, null, 0, 1000, -1, null, null, e.toJson(), PriceCatalog.builtIn());
  }

  static ApiException denial(Future<Outcome> outcome) {
    assertThat(outcome.failed()).as("denied").isTrue();
    assertThat(outcome.cause()).isInstanceOf(ApiException.class);
    return (ApiException) outcome.cause();
  }

  @Test
  void aKeyOverItsLimitIsRefusedWith402InTheOpenAiShape() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.01}");
    Exchange first = request("sk-secret-one", "gpt-4o", null);
    assertThat(call(plugin, first, gpt4o1000()).succeeded()).isTrue();
    assertThat(first.responseHeaders().get(BudgetPlugin.LIMIT_HEADER)).isEqualTo("0.01");
    assertThat(first.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("0.010000");

    Exchange second = request("sk-secret-one", "gpt-4o", null);
    ApiException e = denial(call(plugin, second, null));
    String keyId = Exchange.keyId("sk-secret-one");
    assertThat(e.status()).isEqualTo(402);
    assertThat(e.toJson().toString()).isEqualTo("{\"error\":{\"message\":\"request rejected by budget (before_request): budget exceeded for key " + keyId
        + ": spent $0.0125 of $0.01 this month (resets 2026-12-01T00:00:00Z).\",\"type\":\"insufficient_quota\","
        + "\"param\":null,\"code\":\"insufficient_quota\"}}");
    assertThat(e.getMessage()).doesNotContain("sk-secret-one");
    assertThat(second.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("0.000000");
    assertThat(upstreamCalls).hasValue(1);

    // Another key has its own budget.
    assertThat(call(plugin, request("sk-secret-two", "gpt-4o", null), gpt4o1000()).succeeded()).isTrue();
  }

  @Test
  void remainingCountsDownWithEachAnswer() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 5}");
    call(plugin, request("sk-a", "gpt-4o", null), gpt4o1000());
    call(plugin, request("sk-a", "gpt-4o", null), gpt4o1000());
    Exchange third = request("sk-a", "gpt-4o", null);
    call(plugin, third, gpt4o1000());
    assertThat(third.responseHeaders().get(BudgetPlugin.LIMIT_HEADER)).isEqualTo("5.00");
    assertThat(third.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("4.975000");
  }

  @Test
  void aDailyBudgetStartsOverAtMidnightUtc() {
    clock.set("2026-11-24T23:59:59Z");
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.01, \"period\": \"daily\"}");
    call(plugin, request("sk-a", "gpt-4o", null), gpt4o1000());
    assertThat(denial(call(plugin, request("sk-a", "gpt-4o", null), null)).getMessage())
        .endsWith("spent $0.0125 of $0.01 today (resets 2026-11-25T00:00:00Z).");
    clock.set("2026-11-25T00:00:00Z");
    Exchange next = request("sk-a", "gpt-4o", null);
    assertThat(call(plugin, next, gpt4o1000()).succeeded()).isTrue();
    assertThat(next.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("0.010000");
    assertThat(denial(call(plugin, request("sk-a", "gpt-4o", null), null)).getMessage())
        .endsWith("today (resets 2026-11-26T00:00:00Z).");
  }

  @Test
  void aMonthlyBudgetStartsOverOnTheFirst() {
    clock.set("2026-12-31T23:00:00Z");
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.01}");
    call(plugin, request("sk-a", "gpt-4o", null), gpt4o1000());
    clock.set("2026-12-31T23:59:59.999Z");
    assertThat(denial(call(plugin, request("sk-a", "gpt-4o", null), null)).getMessage())
        .endsWith("this month (resets 2027-01-01T00:00:00Z).");
    clock.set("2027-01-01T00:00:00Z");
    assertThat(call(plugin, request("sk-a", "gpt-4o", null), gpt4o1000()).succeeded()).isTrue();
  }

  @Test
  void aTotalBudgetNeverResets() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.01, \"period\": \"total\"}");
    call(plugin, request("sk-a", "gpt-4o", null), gpt4o1000());
    clock.set("2030-01-01T00:00:00Z");
    assertThat(denial(call(plugin, request("sk-a", "gpt-4o", null), null)).getMessage())
        .endsWith("spent $0.0125 of $0.01 in total (a total budget: it does not reset).");
  }

  @Test
  void aUserBudgetSpansKeysAndRequestsWithoutAUserSkipIt() {
    BudgetPlugin plugin = plugin("{\"user_limit_usd\": 0.02}");
    call(plugin, request("sk-a", "gpt-4o", "alice"), gpt4o1000());
    call(plugin, request("sk-b", "gpt-4o", "alice"), gpt4o1000());
    ApiException e = denial(call(plugin, request("sk-c", "gpt-4o", "alice"), null));
    assertThat(e.getMessage()).startsWith("request rejected by budget (before_request): budget exceeded for user alice: spent $0.0250 of $0.02 this month");
    // The body's user field names the user too.
    ObjectNode body = Json.object().put("model", "gpt-4o").put("user", "alice");
    body.putArray("messages").addObject().put("role", "user").put("content", "hi");
    assertThat(plugin.handle(Exchanges.withKey(body, "sk-d"), upstream).failed()).isTrue();
    // Other users and requests without a user are not held by alice's budget.
    assertThat(call(plugin, request("sk-a", "gpt-4o", "bob"), gpt4o1000()).succeeded()).isTrue();
    Exchange anonymousUser = request("sk-a", "gpt-4o", null);
    assertThat(call(plugin, anonymousUser, gpt4o1000()).succeeded()).isTrue();
    assertThat(anonymousUser.responseHeaders().get(BudgetPlugin.LIMIT_HEADER)).isNull();
  }

  @Test
  void aModelBudgetHoldsPerKeyAndModel() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 10, \"model_limits_usd\": {\"gpt-4o\": 0.01}}");
    Exchange first = request("sk-a", "gpt-4o", null);
    call(plugin, first, gpt4o1000());
    assertThat(first.responseHeaders().get(BudgetPlugin.LIMIT_HEADER)).as("the tighter budget").isEqualTo("0.01");
    ApiException e = denial(call(plugin, request("sk-a", "gpt-4o", null), null));
    assertThat(e.getMessage()).startsWith("request rejected by budget (before_request): budget exceeded for key " + Exchange.keyId("sk-a")
        + " on model gpt-4o: spent $0.0125 of $0.01 this month");
    // The same key on another model, and another key on this model, go on.
    Exchange mini = request("sk-a", "gpt-4o-mini", null);
    assertThat(call(plugin, mini, gpt4o1000()).succeeded()).isTrue();
    assertThat(mini.responseHeaders().get(BudgetPlugin.LIMIT_HEADER)).isEqualTo("10.00");
    assertThat(mini.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("9.987500");
    assertThat(call(plugin, request("sk-b", "gpt-4o", null), gpt4o1000()).succeeded()).isTrue();
  }

  @Test
  void cacheReadAndCacheWriteTokensArePricedOnTheirOwn() {
    // Anthropic usage as the adapter reports it: prompt_tokens includes the cache reads and the cache writes.
    Finish finish = answered("claude-3-5-haiku-20241022", "{\"prompt_tokens\":3000,\"completion_tokens\":100,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":1000,\"cache_creation_input_tokens\":1500}}");
    // model_prices.json: input 8e-7, output 4e-6, cache read 8e-8, cache write 1e-6 per token.
    double expected = 500 * 8e-7 + 1000 * 8e-8 + 1500 * 1e-6 + 100 * 4e-6;
    assertThat(finish.cost()).isCloseTo(expected, within(1e-12));
    assertThat(finish.cost()).isNotCloseTo(3000 * 8e-7 + 100 * 4e-6, within(1e-6));  // not a flat input price

    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 1}");
    call(plugin, request("sk-a", "claude-3-5-haiku", null), finish);
    Exchange next = request("sk-a", "claude-3-5-haiku", null);
    plugin.handle(next, upstream);
    assertThat(next.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("0.997620");
  }

  @Test
  void aModelWithoutAPriceCountsNothing() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.000001}");
    Finish unpriced = answered("my-local-llama", "{\"prompt_tokens\":100000,\"completion_tokens\":100000}");
    assertThat(unpriced.cost()).isNull();
    call(plugin, request("sk-a", "my-local-llama", null), unpriced);
    call(plugin, request("sk-a", "my-local-llama", null), unpriced);
    assertThat(call(plugin, request("sk-a", "my-local-llama", null), unpriced).succeeded()).isTrue();
  }

  @Test
  void failedAndDeniedRequestsCostNothing() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.01}");
    Finish failed = new Finish(502, false, "openai", "t", "gpt-4o", 1, 1000, -1, null, null,
        Json.object().put("message", "boom").put("type", "upstream_error"), PriceCatalog.builtIn());
    for (int i = 0; i < 5; i++) {
      call(plugin, request("sk-a", "gpt-4o", null), failed);
    }
    Exchange next = request("sk-a", "gpt-4o", null);
    assertThat(plugin.handle(next, upstream).succeeded()).isTrue();
    assertThat(next.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("0.010000");
  }

  @Test
  void concurrentAnswersAreAllCounted() throws Exception {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 1000}");
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 1000; i++) {
          plugin.onFinish(request("sk-a", "gpt-4o", null), gpt4o1000());
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    Exchange next = request("sk-a", "gpt-4o", null);
    plugin.handle(next, upstream);
    assertThat(next.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("900.000000");  // 8000 x 0.0125
  }

  @Test
  void dollarFormats() {
    assertThat(BudgetPlugin.dollars(5)).isEqualTo("5.00");
    assertThat(BudgetPlugin.dollars(0.125)).isEqualTo("0.125");
    assertThat(BudgetPlugin.dollars(1234.5)).isEqualTo("1234.50");
    assertThat(BudgetPlugin.micros(0)).isEqualTo("0.000000");
    assertThat(BudgetPlugin.micros(12_345_678_999L)).isEqualTo("12.345678");
    assertThat(BudgetPlugin.micros(999)).isEqualTo("0.000000");
  }
}
