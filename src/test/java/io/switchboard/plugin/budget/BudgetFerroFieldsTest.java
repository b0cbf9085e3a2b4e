package io.switchboard.plugin.budget;

import static io.switchboard.plugin.budget.BudgetPluginTest.answered;
import static io.switchboard.plugin.budget.BudgetPluginTest.denial;
import static io.switchboard.plugin.budget.BudgetPluginTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The budget's Ferro fields, by what they do: prices, 0 as no limit, shared stores, the key cap. */
class BudgetFerroFieldsTest {
  Vertx vertx;
  final Plugin.Chain upstream = ex -> Future.succeededFuture(
      new Outcome(new UpstreamResponse.Complete(Buffer.buffer("{}"), null), null, 1));

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();  // a fresh one per test: stores are shared per Vert.x
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  BudgetPlugin plugin(String json) {
    NodeReader r = new NodeReader();
    BudgetSettings settings = BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer(json)), "config",
        Stage.BEFORE_REQUEST);
    assertThat(r.problems()).isEmpty();
    return (BudgetPlugin) settings.create(new PluginContext(vertx, PriceCatalog.builtIn(), Clock.systemUTC(),
        Optional.empty(), "budget", Stage.BEFORE_REQUEST));
  }

  static List<String> problems(String json) {
    NodeReader r = new NodeReader();
    BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer(json)), "config", Stage.BEFORE_REQUEST);
    return r.problems();
  }

  Future<Outcome> call(BudgetPlugin plugin, String key, Finish finish) {
    Exchange exchange = request(key, "gpt-4o", null);
    Future<Outcome> outcome = plugin.handle(exchange, upstream);
    if (outcome.succeeded()) {
      plugin.onFinish(exchange, finish);
    }
    return outcome;
  }

  /** 1000 prompt and 1000 completion tokens. */
  static Finish thousandEach(String model) {
    return answered(model, "{\"prompt_tokens\":1000,\"completion_tokens\":1000,\"total_tokens\":2000}");
  }

  @Test
  void configuredPricesCostTheRequestInsteadOfTheCatalog() {
    // 1000 in at $3/M + 1000 out at $15/M = $0.018; the catalog's gpt-4o would be $0.0125.
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.02, \"input_per_m_tokens\": 3, \"output_per_m_tokens\": 15}");
    assertThat(call(plugin, "sk-a", thousandEach("gpt-4o")).succeeded()).isTrue();
    assertThat(call(plugin, "sk-a", thousandEach("gpt-4o")).succeeded()).isTrue();
    ApiException e = denial(call(plugin, "sk-a", thousandEach("gpt-4o")));
    assertThat(e.getMessage()).contains("spent $0.0360 of $0.02");
    // A model the catalog does not price still costs the configured price.
    BudgetPlugin unknown = plugin("{\"spend_limit_usd\": 0.02, \"input_per_m_tokens\": 3, \"output_per_m_tokens\": 15}");
    call(unknown, "sk-b", thousandEach("my-own-model"));
    call(unknown, "sk-b", thousandEach("my-own-model"));
    assertThat(denial(call(unknown, "sk-b", thousandEach("my-own-model"))).getMessage()).contains("spent $0.0360");
  }

  @Test
  void cachePricesPriceCachedTokensOnTheirOwn() {
    // 1000 prompt tokens of which 800 read from cache: 200 at $10/M + 800 at $1/M = $0.0028.
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.001, \"input_per_m_tokens\": 10,"
        + " \"cache_read_per_m_tokens\": 1}");
    Finish cached = answered("gpt-4o", "{\"prompt_tokens\":1000,\"completion_tokens\":0,\"total_tokens\":1000,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":800}}");
    call(plugin, "sk-c", cached);
    assertThat(denial(call(plugin, "sk-c", cached)).getMessage()).contains("spent $0.0028 of $0.001");
  }

  @Test
  void theRefusalIsFerros402InsufficientQuota() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.001, \"input_per_m_tokens\": 3}");
    call(plugin, "sk-d", thousandEach("gpt-4o"));
    ApiException e = denial(call(plugin, "sk-d", thousandEach("gpt-4o")));
    assertThat(e.status()).isEqualTo(402);
    assertThat(e.type()).isEqualTo("insufficient_quota");
    assertThat(e.code()).isEqualTo("insufficient_quota");
    assertThat(e.getMessage()).startsWith("request rejected by budget (before_request): budget exceeded for key ");
  }

  @Test
  void budgetsNamingOneStoreIdCountIntoOneSetOfCounters() {
    String config = "{\"store_id\": \"team\", \"spend_limit_usd\": 0.02, \"input_per_m_tokens\": 3,"
        + " \"output_per_m_tokens\": 15}";
    BudgetPlugin recorder = plugin(config);
    BudgetPlugin checker = plugin(config.replace("0.02", "0.03"));
    BudgetPlugin other = plugin(config.replace("team", "other"));
    call(recorder, "sk-e", thousandEach("gpt-4o"));
    call(recorder, "sk-e", thousandEach("gpt-4o"));
    // The checker saw no request of sk-e, yet it knows the $0.036 its store holds.
    assertThat(denial(call(checker, "sk-e", thousandEach("gpt-4o"))).getMessage()).contains("spent $0.0360 of $0.03");
    assertThat(call(other, "sk-e", thousandEach("gpt-4o")).succeeded()).isTrue();
  }

  @Test
  void atMaxKeysTheKeyThatSpentLeastMakesRoom() {
    BudgetPlugin plugin = plugin("{\"spend_limit_usd\": 0.02, \"input_per_m_tokens\": 3, \"output_per_m_tokens\": 15,"
        + " \"max_keys\": 2}");
    Finish small = answered("gpt-4o", "{\"prompt_tokens\":100,\"completion_tokens\":0,\"total_tokens\":100}");
    call(plugin, "sk-big", thousandEach("gpt-4o"));
    call(plugin, "sk-big", thousandEach("gpt-4o"));           // $0.036: over
    call(plugin, "sk-small", small);                          // $0.0003
    assertThat(remaining(plugin, "sk-small")).isEqualTo("0.019700");
    call(plugin, "sk-new", thousandEach("gpt-4o"));           // a third key: sk-small, the least, is dropped
    assertThat(denial(call(plugin, "sk-big", thousandEach("gpt-4o"))).getMessage()).contains("spent $0.0360");
    assertThat(remaining(plugin, "sk-small")).isEqualTo("0.020000");
  }

  /** What the budget tells a request of {@code key} it has left. */
  String remaining(BudgetPlugin plugin, String key) {
    Exchange exchange = request(key, "gpt-4o", null);
    assertThat(plugin.handle(exchange, upstream).succeeded()).isTrue();
    return exchange.responseHeaders().get(BudgetPlugin.REMAINING_HEADER);
  }

  @Test
  void zeroIsNoLimitAndEveryPriceZeroIsRefusedAsInFerro() {
    assertThat(problems("{\"spend_limit_usd\": 0, \"user_limit_usd\": 1}")).isEmpty();
    assertThat(problems("{\"spend_limit_usd\": 10, \"input_per_m_tokens\": 0, \"output_per_m_tokens\": 0}"))
        .containsExactly("config.input_per_m_tokens: every price is 0, so no request costs anything and the limit is"
            + " never reached (expected: a price above 0)");
    assertThat(problems("{\"spend_limit_usd\": 10, \"input_per_m_tokens\": -1}"))
        .containsExactly("config.input_per_m_tokens: -1.0 is out of range (expected: >= 0.0)");
    assertThat(problems("{\"spend_limit_usd\": 10, \"max_keys\": -1, \"store_id\": \"\"}")).containsExactlyInAnyOrder(
        "config.max_keys: -1 is out of range (expected: 0 to 2147483647)",
        "config.store_id: is empty (expected: a name, such as default)");
  }
}
