package io.switchboard.plugin.budget;

import io.switchboard.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.testing.Services;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Redis backend against the real Redis at 127.0.0.1:6379, each test under its own key prefix. */
@Timeout(30)
class RedisBudgetTest {
  Vertx vertx;
  Redis redis;
  String url;
  final String prefix = "sbtest:" + UUID.randomUUID() + ":";
  final MutableClock clock = new MutableClock(Instant.now().toString());
  final List<BudgetPlugin> plugins = new ArrayList<>();

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    url = Services.requireRedis();
    redis = Redis.createClient(vertx, url);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (BudgetPlugin p : plugins) {
      p.close().await(5, TimeUnit.SECONDS);
    }
    if (redis != null) {
      Response keys = redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await(5, TimeUnit.SECONDS);
      if (keys.size() > 0) {
        Request del = Request.cmd(Command.DEL);
        keys.forEach(k -> del.arg(k.toString()));
        redis.send(del).await(5, TimeUnit.SECONDS);
      }
      redis.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  BudgetPlugin plugin(String config) {
    NodeReader r = new NodeReader();
    BudgetSettings settings = BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer(config)), "c",
        Stage.BEFORE_REQUEST);
    assertThat(r.problems()).isEmpty();
    BudgetPlugin plugin = (BudgetPlugin) settings.create(new PluginContext(vertx, PriceCatalog.builtIn(), clock,
        Optional.empty(), "budget", Stage.BEFORE_REQUEST));
    plugins.add(plugin);
    return plugin;
  }

  String redisConfig(String limits) {
    return "{" + limits + ", \"backend\": \"redis\", \"url\": \"" + url + "\", \"key_prefix\": \"" + prefix + "\"}";
  }

  static Future<Outcome> handle(BudgetPlugin plugin, Exchange exchange) {
    return plugin.handle(exchange, ex -> Future.succeededFuture(
        new Outcome(new UpstreamResponse.Complete(Buffer.buffer("{}"), null), null, 1)));
  }

  /** Handles on the event loop, as the gateway does, and waits for the answer. */
  static Future<Outcome> handleAndWait(Vertx vertx, BudgetPlugin plugin, Exchange exchange) {
    Future<Outcome> f = vertx.getOrCreateContext().<Future<Outcome>>executeBlocking(() -> null)
        .compose(v -> handle(plugin, exchange));
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the caller looks at the future
    }
    return f;
  }

  String get(String key) throws Exception {
    Response r = redis.send(Request.cmd(Command.GET).arg(key)).await(5, TimeUnit.SECONDS);
    return r == null ? null : r.toString();
  }

  long ttl(String key) throws Exception {
    return redis.send(Request.cmd(Command.TTL).arg(key)).await(5, TimeUnit.SECONDS).toLong();
  }

  void awaitValue(String key, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!expected.equals(get(key)) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(get(key)).isEqualTo(expected);
  }

  @Test
  void twoInstancesShareOneBudget() throws Exception {
    BudgetPlugin a = plugin(redisConfig("\"spend_limit_usd\": 0.02, \"user_limit_usd\": 1,"
        + " \"model_limits_usd\": {\"gpt-4o\": 0.5}"));
    BudgetPlugin b = plugin(redisConfig("\"spend_limit_usd\": 0.02, \"user_limit_usd\": 1,"
        + " \"model_limits_usd\": {\"gpt-4o\": 0.5}"));
    a.start().await(5, TimeUnit.SECONDS);
    b.start().await(5, TimeUnit.SECONDS);
    String keyId = Exchange.keyId("sk-shared");
    String month = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString().substring(0, 7);

    a.onFinish(BudgetPluginTest.request("sk-shared", "gpt-4o", "alice"), BudgetPluginTest.gpt4o1000());
    awaitValue(prefix + "key:" + keyId + ":" + month, "12500000");  // $0.0125 in nano-dollars
    assertThat(get(prefix + "user:alice:" + month)).isEqualTo("12500000");
    assertThat(get(prefix + "model:" + keyId + ":gpt-4o:" + month)).isEqualTo("12500000");
    assertThat(ttl(prefix + "key:" + keyId + ":" + month)).as("expires a day after the month")
        .isBetween(86_400L, 32L * 86_400);

    Exchange onB = BudgetPluginTest.request("sk-shared", "gpt-4o", "alice");
    assertThat(handleAndWait(vertx, b, onB).succeeded()).isTrue();
    assertThat(onB.responseHeaders().get(BudgetPlugin.REMAINING_HEADER)).isEqualTo("0.007500");

    b.onFinish(onB, BudgetPluginTest.gpt4o1000());
    awaitValue(prefix + "key:" + keyId + ":" + month, "25000000");
    Future<Outcome> refused = handleAndWait(vertx, a, BudgetPluginTest.request("sk-shared", "gpt-4o", null));
    assertThat(refused.failed()).isTrue();
    assertThat(((ApiException) refused.cause()).status()).isEqualTo(402);
    assertThat(refused.cause().getMessage()).contains("spent $0.0250 of $0.02 this month");
  }

  @Test
  void aTotalBudgetDoesNotExpire() throws Exception {
    BudgetPlugin a = plugin(redisConfig("\"spend_limit_usd\": 1, \"period\": \"total\""));
    a.start().await(5, TimeUnit.SECONDS);
    a.onFinish(BudgetPluginTest.request("sk-t", "gpt-4o", null), BudgetPluginTest.gpt4o1000());
    String key = prefix + "key:" + Exchange.keyId("sk-t") + ":total";
    awaitValue(key, "12500000");
    assertThat(ttl(key)).isEqualTo(-1);
  }

  @Test
  void anUnreachableRedisFailsTheStartQuickly() throws Exception {
    BudgetPlugin p = plugin("{\"spend_limit_usd\": 1, \"backend\": \"redis\", \"url\": \"redis://:hunter2@127.0.0.1:1\","
        + " \"timeout\": \"500ms\"}");
    long start = System.nanoTime();
    Future<Void> started = p.start();
    try {
      started.await(10, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // looked at below
    }
    assertThat(started.failed()).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
    assertThat(started.cause().getMessage()).startsWith("Redis at 127.0.0.1:1 did not answer PING").doesNotContain("hunter2");
  }

  @Test
  void aRedisThatNeverAnswersIsAnErrorNotAHang() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            held.add(silent.accept());  // accept, then say nothing
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      BudgetPlugin p = plugin("{\"spend_limit_usd\": 1, \"backend\": \"redis\", \"url\": \"redis://127.0.0.1:"
          + silent.getLocalPort() + "\", \"timeout\": \"300ms\"}");
      long start = System.nanoTime();
      Future<Outcome> outcome = handleAndWait(vertx, p, BudgetPluginTest.request("sk-x", "gpt-4o", null));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
      assertThat(outcome.failed()).isTrue();
      ApiException e = (ApiException) outcome.cause();
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.code()).isEqualTo("budget_unavailable");
      assertThat(e.getMessage()).isEqualTo("The budget could not be checked, so the request was not sent"
          + " (request id req_test).");
      acceptor.interrupt();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
