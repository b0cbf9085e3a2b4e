package io.switchboard.plugin.budget;

import io.switchboard.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Stage;
import io.switchboard.plugin.PluginContext;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.store.RequestLogLocation;
import io.switchboard.store.RequestLogRow;
import io.switchboard.store.RequestLogStore;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.provider.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spend survives a restart: what a persisting request-logger wrote (here written with the store directly) is
 * read back when the plugin starts, before any request.
 */
class BudgetRestartTest {
  @TempDir
  Path dir;

  Vertx vertx;
  final MutableClock clock = new MutableClock("2026-11-24T12:00:00Z");

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static RequestLogRow row(String time, String keyId, String user, String model, Double cost) {
    return new RequestLogRow(Instant.parse(time), UUID.randomUUID().toString(), keyId, user, model, model, "openai",
        "t", 200, 5L, null, 1000L, 1000L, 0L, cost, 1, null, null, null);
  }

  BudgetPlugin started(String config, Optional<RequestLogLocation> log) throws Exception {
    NodeReader r = new NodeReader();
    BudgetSettings settings = BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer(config)), "c", Stage.BEFORE_REQUEST);
    assertThat(r.problems()).isEmpty();
    BudgetPlugin plugin = (BudgetPlugin) settings.create(new PluginContext(vertx, PriceCatalog.builtIn(), clock, log,
        "budget", Stage.BEFORE_REQUEST));
    plugin.start().await(10, TimeUnit.SECONDS);
    return plugin;
  }

  static Future<Outcome> handle(BudgetPlugin plugin, Exchange exchange) {
    return plugin.handle(exchange, ex -> Future.succeededFuture(
        new Outcome(new UpstreamResponse.Complete(Buffer.buffer("{}"), null), null, 1)));
  }

  @Test
  void spendInTheSqliteRequestLogIsReadBackAndAnOverBudgetKeyIsRefusedAtOnce() throws Exception {
    Path file = dir.resolve("requests.db");
    String spender = Exchange.keyId("sk-spender");
    String modest = Exchange.keyId("sk-modest");
    try (RequestLogStore store = RequestLogStore.open("sqlite", file.toString(), RequestLogStore.DEFAULT_TABLE)) {
      store.insert(List.of(
          row("2026-10-31T23:59:59Z", modest, "carol", "gpt-4o", 50.0),      // last month: not counted
          row("2026-11-02T08:00:00Z", spender, "alice", "gpt-4o", 3.0),
          row("2026-11-20T08:00:00Z", spender, null, "gpt-4o-mini", 2.25),
          row("2026-11-21T08:00:00Z", modest, "carol", "gpt-4o", 0.5),
          row("2026-11-22T08:00:00Z", modest, "carol", "gpt-4o", null)));   // unpriced
    }
    BudgetPlugin plugin = started("{\"spend_limit_usd\": 5, \"user_limit_usd\": 3,"
        + " \"model_limits_usd\": {\"gpt-4o\": 0.5}}",
        Optional.of(new RequestLogLocation("sqlite", file.toString(), RequestLogStore.DEFAULT_TABLE)));

    Future<Outcome> refused = handle(plugin, BudgetPluginTest.request("sk-spender", "gpt-4o-mini", null));
    assertThat(refused.failed()).isTrue();
    ApiException e = (ApiException) refused.cause();
    assertThat(e.status()).isEqualTo(402);
    assertThat(e.getMessage()).isEqualTo("request rejected by budget (before_request): budget exceeded for key " + spender
        + ": spent $5.2500 of $5.00 this month (resets 2026-12-01T00:00:00Z).");

    // carol's spend this month is $0.50, under her $3; but modest's gpt-4o budget of $0.50 is used up.
    Exchange other = BudgetPluginTest.request("sk-modest", "gpt-4o-mini", "carol");
    assertThat(handle(plugin, other).succeeded()).isTrue();
    assertThat(other.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("2.500000");
    assertThat(((ApiException) handle(plugin, BudgetPluginTest.request("sk-modest", "gpt-4o", null)).cause())
        .getMessage()).contains("on model gpt-4o: spent $0.5000 of $0.50");
    // alice spent $3 of her $3 through the spender key; another key does not help her.
    assertThat(((ApiException) handle(plugin, BudgetPluginTest.request("sk-new", "gpt-4o-mini", "alice")).cause())
        .getMessage()).startsWith("request rejected by budget (before_request): budget exceeded for user alice: spent $3.0000 of $3.00");
  }

  @Test
  void aLogThatCannotBeReadStopsTheStart() throws Exception {
    Path notADatabase = Files.writeString(dir.resolve("garbage.db"), "this is not a SQLite file, not at all");
    NodeReader r = new NodeReader();
    BudgetSettings settings = BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer("{\"spend_limit_usd\": 5}")),
        "c", Stage.BEFORE_REQUEST);
    BudgetPlugin plugin = (BudgetPlugin) settings.create(new PluginContext(vertx, PriceCatalog.builtIn(), clock,
        Optional.of(new RequestLogLocation("sqlite", notADatabase.toString(), RequestLogStore.DEFAULT_TABLE)),
        "budget", Stage.BEFORE_REQUEST));
    Future<Void> start = plugin.start();
    assertThat(awaitFailure(start)).isTrue();
    assertThat(start.cause().getMessage()).startsWith("plugin budget: could not read spend back from the sqlite"
        + " request log");
  }

  private static boolean awaitFailure(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  @Test
  void withoutAPersistedLogSpendStartsAtZero() throws Exception {
    BudgetPlugin plugin = started("{\"spend_limit_usd\": 5}", Optional.empty());
    Exchange first = BudgetPluginTest.request("sk-spender", "gpt-4o", null);
    assertThat(handle(plugin, first).succeeded()).isTrue();
    assertThat(first.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("5.000000");
  }
}
