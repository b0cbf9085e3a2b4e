package io.switchboard.plugin.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginChain;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.store.RequestLogLocation;
import io.switchboard.store.RequestLogRow;
import io.switchboard.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestLoggerTest {
  static final String OPENAI_KEY = "sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY";
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  static final PriceCatalog PRICES = PriceCatalog.builtIn();
  static Vertx vertx;

  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static RequestLoggerSettings settings(String yaml) {
    return settings(yaml, "before_request");
  }

  static RequestLoggerSettings settings(String yaml, String stage) {
    GatewayConfig config = ConfigLoader.parse("plugins:\n  - name: request-logger\n    stage: " + stage
        + "\n    config: " + yaml + "\n", Map.of("OPENAI_API_KEY", "sk-test"));
    PluginSettings settings = config.plugins().getFirst().settings();
    return (RequestLoggerSettings) settings;
  }

  static RequestLogger logger(RequestLoggerSettings settings) {
    return (RequestLogger) settings.create(new PluginContext(vertx, PRICES, Clock.fixed(NOW, ZoneOffset.UTC),
        Optional.empty(), "request-logger", Stage.BEFORE_REQUEST));
  }

  static List<String> problems(String yaml) {
    try {
      settings(yaml);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("config loaded: " + yaml);
  }

  static final String COMPLETION = """
      {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
       "choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],
       "usage":{"prompt_tokens":1000,"completion_tokens":200,"total_tokens":1200,
                "prompt_tokens_details":{"cached_tokens":400}}}""";

  static Finish complete(String body) {
    return new Finish(200, false, "openai", "openai-a", "gpt-4o", 1, TimeUnit.MILLISECONDS.toNanos(120), -1, null,
        Buffer.buffer(body), null, PRICES);
  }

  static Exchange exchangeWithKey(String model, String text) {
    ObjectNode body = Json.object().put("model", model).put("user", "alice");
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    return Exchanges.withKey(body, "sk-client-secret-123456");
  }

  @Test
  void aCompleteAnswerBecomesOneRowWithTokensAndCost() {
    RequestLogger logger = logger(settings("{persist: true, backend: sqlite, dsn: x.db}"));
    Exchange exchange = exchangeWithKey("gpt-4o", "Hi");

    RequestLogRow row = logger.row(exchange, complete(COMPLETION), true, NOW);

    assertThat(row.time()).isEqualTo(NOW.minusMillis(120));
    assertThat(row.requestId()).isEqualTo("req_test");
    assertThat(row.keyId()).isEqualTo(Exchange.keyId("sk-client-secret-123456")).doesNotContain("secret");
    assertThat(row.userId()).isEqualTo("alice");
    assertThat(row.modelRequested()).isEqualTo("gpt-4o");
    assertThat(row.modelServed()).isEqualTo("gpt-4o");
    assertThat(row.provider()).isEqualTo("openai");
    assertThat(row.target()).isEqualTo("openai-a");
    assertThat(row.status()).isEqualTo(200);
    assertThat(row.latencyMs()).isEqualTo(120);
    assertThat(row.ttftMs()).isNull();
    assertThat(row.tokensIn()).isEqualTo(1000);
    assertThat(row.tokensOut()).isEqualTo(200);
    assertThat(row.tokensCached()).isEqualTo(400);
    double expected = PRICES.lookup("gpt-4o").orElseThrow().cost(complete(COMPLETION).usage());
    assertThat(row.costUsd()).isEqualTo(expected).isPositive();
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.errorType()).isNull();
    assertThat(row.requestBody()).isNull();
    assertThat(row.responseBody()).isNull();
  }

  @Test
  void aStreamRowHasItsTimeToFirstTokenAndTheAssembledUsage() throws Exception {
    RequestLogger logger = logger(settings("{persist: true, backend: sqlite, dsn: x.db}"));
    ObjectNode assembled = (ObjectNode) Json.parse(COMPLETION);
    Finish finish = new Finish(200, true, "anthropic", "claude", "claude-3-5-sonnet-20241022", 2,
        TimeUnit.MILLISECONDS.toNanos(900), TimeUnit.MILLISECONDS.toNanos(150), assembled, null, null, PRICES);

    RequestLogRow row = logger.row(Exchanges.chat("sonnet", "Hi"), finish, true, NOW);

    assertThat(row.modelRequested()).isEqualTo("sonnet");
    assertThat(row.modelServed()).isEqualTo("claude-3-5-sonnet-20241022");
    assertThat(row.provider()).isEqualTo("anthropic");
    assertThat(row.ttftMs()).isEqualTo(150);
    assertThat(row.latencyMs()).isEqualTo(900);
    assertThat(row.tokensIn()).isEqualTo(1000);
    assertThat(row.tokensOut()).isEqualTo(200);
    assertThat(row.attempts()).isEqualTo(2);
    assertThat(row.keyId()).isEqualTo(Exchange.ANONYMOUS);
    assertThat(row.userId()).isNull();
  }

  @Test
  void anUpstreamErrorAndADenialAreRowsWithTheirErrorType() {
    RequestLogger logger = logger(settings("{persist: true, backend: sqlite, dsn: x.db}"));
    ObjectNode upstreamError = Json.object().put("message", "boom").put("type", "server_error");
    Finish failed = new Finish(502, false, "openai", "openai-a", "gpt-4o", 3, TimeUnit.MILLISECONDS.toNanos(40), -1,
        null, null, upstreamError, PRICES);
    ObjectNode denial = Json.object().put("message", "Rate limit exceeded").put("type", "rate_limit_exceeded");
    Finish denied = new Finish(429, false, null, null, null, 0, TimeUnit.MILLISECONDS.toNanos(1), -1, null, null,
        denial, PRICES);

    RequestLogRow error = logger.row(Exchanges.chat("gpt-4o", "Hi"), failed, true, NOW);
    RequestLogRow refused = logger.row(Exchanges.chat("gpt-4o", "Hi"), denied, true, NOW);

    assertThat(error.status()).isEqualTo(502);
    assertThat(error.errorType()).isEqualTo("server_error");
    assertThat(error.attempts()).isEqualTo(3);
    assertThat(error.tokensIn()).isNull();
    assertThat(error.costUsd()).isNull();
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorType()).isEqualTo("rate_limit_exceeded");
    assertThat(refused.provider()).isNull();
    assertThat(refused.modelServed()).isNull();
    assertThat(refused.target()).isNull();
    assertThat(refused.modelRequested()).isEqualTo("gpt-4o");
  }

  @Test
  void bodiesAreStoredWithCredentialsRedacted() {
    RequestLogger logger = logger(settings("{persist: true, backend: sqlite, dsn: x.db, include_bodies: true}"));
    Exchange exchange = exchangeWithKey("gpt-4o", "my key is " + OPENAI_KEY + ", keep it safe");
    String answer = COMPLETION.replace("Hello", "Your key " + OPENAI_KEY + " was noted");

    RequestLogRow row = logger.row(exchange, complete(answer), true, NOW);

    assertThat(row.requestBody()).doesNotContain(OPENAI_KEY).contains("my key is [REDACTED:OPENAI_API_KEY], keep it")
        .contains("\"model\":\"gpt-4o\"");
    assertThat(row.responseBody()).doesNotContain(OPENAI_KEY).contains("Your key [REDACTED:OPENAI_API_KEY] was noted");
    assertThat(row.requestBody() + row.responseBody()).doesNotContain("sk-client-secret");
  }

  @Test
  void bodiesAreCutToMaxBodyBytesAfterRedaction() {
    RequestLogger logger = logger(settings("{persist: true, backend: sqlite, dsn: x.db, include_bodies: true,"
        + " max_body_bytes: 300}"));
    // The key straddles the cut: redacting after cutting would leave its first half in the row.
    String text = "é".repeat(100) + " " + OPENAI_KEY + " " + "x".repeat(500);

    RequestLogRow row = logger.row(Exchanges.chat("gpt-4o", text), complete(COMPLETION), true, NOW);

    assertThat(row.requestBody().getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(300);
    assertThat(row.requestBody()).endsWith(Bodies.TRUNCATED).doesNotContain("sk-proj").contains("[REDACTED:OPENAI");
    assertThat(row.responseBody()).startsWith("{\"id\":\"chatcmpl-1\"");
    assertThat(Bodies.truncate("é".repeat(200), 101)).hasSize((101 - Bodies.TRUNCATED.length()) / 2 + Bodies.TRUNCATED.length());
  }

  @Test
  void linesGoOutAtTheirSeverityWhenAtOrAboveTheLevel() {
    LogCapture lines = LogCapture.of(RequestLogger.LINES);
    try {
      RequestLogger info = logger(settings("{level: info}"));
      RequestLogger warn = logger(settings("{level: warn}"));
      Exchange exchange = exchangeWithKey("gpt-4o", "Hi");
      Finish ok = complete(COMPLETION);
      Finish clientError = new Finish(400, false, null, null, null, 0, 1_000_000, -1, null, null,
          Json.object().put("type", "invalid_request_error"), PRICES);
      Finish serverError = new Finish(503, false, "openai", "a", "gpt-4o", 2, 1_000_000, -1, null, null,
          Json.object().put("type", "server_error"), PRICES);
      Finish brokenStream = new Finish(200, true, "openai", "a", "gpt-4o", 1, 1_000_000, 500_000, null, null,
          Json.object().put("type", "api_error"), PRICES);

      for (Finish f : List.of(ok, clientError, serverError, brokenStream)) {
        info.onFinish(exchange, f);
      }
      for (Finish f : List.of(ok, clientError, serverError, brokenStream)) {
        warn.onFinish(exchange, f);
      }

      assertThat(lines.events()).extracting(e -> e.getLevel().toString())
          .containsExactly("INFO", "WARN", "ERROR", "ERROR", "WARN", "ERROR", "ERROR");
      String first = lines.events().getFirst().getFormattedMessage();
      assertThat(first).startsWith("request req_test status=200 latency_ms=120 model=gpt-4o served=gpt-4o"
          + " provider=openai target=openai-a attempts=1 key=" + exchange.keyId() + " user=alice");
      assertThat(first).doesNotContain("tokens_in");  // only parsed when persisting
      assertThat(lines.events().get(2).getFormattedMessage()).contains("status=503").endsWith("error=server_error");
    } finally {
      lines.close();
    }
  }

  @Test
  void onceStartedLinesAreWrittenByTheirOwnThreadInOrderAndFlushedOnClose() throws Exception {
    LogCapture lines = LogCapture.of(RequestLogger.LINES);
    try {
      RequestLogger logger = logger(settings("{}"));
      logger.start().await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 500; i++) {
        logger.onFinish(Exchanges.chat("gpt-4o", "Hi"), i % 2 == 0 ? complete(COMPLETION)
            : new Finish(429, false, null, null, null, 0, 1_000_000, -1, null, null,
                Json.object().put("type", "rate_limit_exceeded"), PRICES));
      }
      logger.close().await(10, TimeUnit.SECONDS);

      assertThat(lines.events()).hasSize(500).allMatch(e -> e.getThreadName().equals("sb-request-lines"));
      assertThat(lines.events().get(0).getLevel().toString()).isEqualTo("INFO");
      assertThat(lines.events().get(1).getLevel().toString()).isEqualTo("WARN");
      assertThat(lines.events().get(499).getFormattedMessage()).contains("status=429");
      assertThat(logger.lines().dropped()).isZero();
    } finally {
      lines.close();
    }
  }

  @Test
  void aFullLineQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
    ListAppender<ILoggingEvent> slow = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent event) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        super.append(event);
      }
    };
    slow.start();
    ch.qos.logback.classic.Logger target = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        "test.lines." + java.util.UUID.randomUUID());
    target.setAdditive(false);
    target.addAppender(slow);
    LineWriter writer = new LineWriter(target, 2);

    writer.offer(RequestLoggerSettings.Level.INFO, "first");  // taken by the thread, which then waits
    assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
    writer.offer(RequestLoggerSettings.Level.INFO, "second");
    writer.offer(RequestLoggerSettings.Level.WARN, "third");
    long start = System.nanoTime();
    writer.offer(RequestLoggerSettings.Level.ERROR, "fourth");  // the queue (2) is full
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
    assertThat(writer.dropped()).isEqualTo(1);
    release.countDown();
    writer.close();

    assertThat(slow.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("first", "second", "third");
    writer.offer(RequestLoggerSettings.Level.INFO, "late");
    assertThat(writer.dropped()).isEqualTo(2);
  }

  @Test
  void aUserNameCannotForgeALogLine() {
    LogCapture lines = LogCapture.of(RequestLogger.LINES);
    try {
      ObjectNode body = Json.object().put("model", "m").put("user", "bob\nrequest fake status=200");
      logger(settings("{}")).onFinish(Exchanges.chat(body), complete(COMPLETION));
      assertThat(lines.events().getFirst().getFormattedMessage()).contains("user=bob?request fake").doesNotContain("\n");
    } finally {
      lines.close();
    }
  }

  @Test
  void atOnErrorOnlyFailedRequestsAreLoggedAndPersisted() throws Exception {
    Path db = dir.resolve("errors.db");
    RequestLogger logger = logger(settings("{persist: true, backend: sqlite, dsn: \"" + db + "\"}", "on_error"));
    LogCapture lines = LogCapture.of(RequestLogger.LINES);
    try {
      logger.start().await(10, TimeUnit.SECONDS);
      Finish broken = new Finish(200, true, "openai", "a", "gpt-4o", 1, 1_000_000, 500_000, null, null,
          Json.object().put("type", "api_error"), PRICES);
      Finish gone = new Finish(Finish.CLIENT_CLOSED, true, null, null, null, 0, 1_000_000, -1, null, null,
          Json.object().put("type", "client_closed"), PRICES);
      Finish refused = new Finish(402, false, null, null, null, 0, 1_000_000, -1, null, null,
          Json.object().put("type", "budget_exceeded"), PRICES);
      logger.onFinish(Exchanges.of(io.switchboard.provider.Operation.CHAT, Json.object().put("model", "ok"),
          io.vertx.core.MultiMap.caseInsensitiveMultiMap()), complete(COMPLETION));
      for (Finish f : List.of(broken, gone, refused)) {
        logger.onFinish(Exchanges.chat("gpt-4o", "Hi"), f);
      }
      logger.close().await(15, TimeUnit.SECONDS);

      assertThat(statuses(db)).containsExactly(200, 402, 499);
      assertThat(errorTypes(db)).containsExactlyInAnyOrder("api_error", "client_closed", "budget_exceeded");
      assertThat(lines.events()).hasSize(3);
      assertThat(logger.writer().written()).isEqualTo(3);
    } finally {
      lines.close();
    }
  }

  @Test
  void closeFlushesEveryQueuedRowBeforeItCompletes() throws Exception {
    Path db = dir.resolve("flush.db");
    // A long flush interval: without close's flush the rows would still be waiting.
    RequestLogger logger = logger(settings("{level: error, persist: true, backend: sqlite, dsn: \"" + db
        + "\", flush_interval: 1h, batch_size: 10000}"));
    logger.start().await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 2000; i++) {
      logger.onFinish(Exchanges.chat("gpt-4o", "Hi"), complete(COMPLETION));
    }
    logger.close().await(15, TimeUnit.SECONDS);

    assertThat(statuses(db)).hasSize(2000);
    assertThat(logger.writer().dropped()).isZero();
  }

  @Test
  void settingsMapToTheWriterAndTheLocation() {
    RequestLoggerSettings s = settings("{persist: true, backend: postgres, dsn: \"postgres://u:pw@db:5432/logs\","
        + " table: gw.requests, retention: 30d, queue_size: 50, batch_size: 5, flush_interval: 2s}");
    assertThat(s.requestLog()).contains(new RequestLogLocation("postgres", "postgres://u:pw@db:5432/logs", "gw.requests"));
    assertThat(s.writer().capacity()).isEqualTo(50);
    assertThat(s.writer().batchSize()).isEqualTo(5);
    assertThat(s.writer().flushInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.writer().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(s.level()).isEqualTo(RequestLoggerSettings.Level.INFO);
    assertThat(logger(s).needsAnswer()).isTrue();
    assertThat(logger(s).failsOpen()).isTrue();

    RequestLoggerSettings plain = settings("{}");
    assertThat(plain.requestLog()).isEmpty();
    assertThat(plain.includeBodies()).isFalse();
    assertThat(plain.maxBodyBytes()).isEqualTo(64 * 1024);
    assertThat(plain.writer().retention()).isNull();
    assertThat(logger(plain).needsAnswer()).isFalse();
    assertThat(settings("{retention: 12h}").writer().retention()).isEqualTo(Duration.ofHours(12));
    assertThat(settings("{persist: true, backend: sqlite, dsn: a.db}").requestLog().orElseThrow().table())
        .isEqualTo("switchboard_request_log");
  }

  @Test
  void badConfigIsRefusedNamingTheField() {
    String at = "plugins[0].config.";
    // {persist: true} alone is Ferro's form, its store named by the environment (see FerroPluginListTest).
    assertThat(problems("{persist: true, dsn: a.db}")).containsExactly(at + "backend: is required");
    assertThat(problems("{persist: true, backend: mysql, dsn: x}")).containsExactly(
        at + "backend: \"mysql\" is not a backend (expected: sqlite or postgres)");
    assertThat(problems("{level: verbose, presist: true}")).containsExactly(
        at + "presist: unknown field (expected one of: backend, batch_size, dsn, flush_interval, include_bodies, level,"
            + " max_body_bytes, persist, queue_size, retention, table)",
        at + "level: \"verbose\" is not a level (expected: debug, info, warn or error)");
    assertThat(problems("{persist: true, backend: postgres, dsn: \"mysql://u:hunter2@h/db\"}")).singleElement()
        .isEqualTo(at + "dsn: not a PostgreSQL DSN (expected: postgres://user:password@host:port/db or jdbc:postgresql:...)")
        .asString().doesNotContain("hunter2");
    assertThat(problems("{persist: true, backend: sqlite, dsn: \"postgres://h/db\"}")).singleElement().asString()
        .startsWith(at + "dsn: \"postgres://h/db\" is not a file path");
    assertThat(problems("{persist: true, backend: sqlite, dsn: a.db, table: \"x; drop\"}")).containsExactly(
        at + "table: \"x; drop\" is not a table name (expected: an identifier like switchboard_request_log)");
    assertThat(problems("{persist: true, backend: sqlite, dsn: a.db, table: s.t}")).containsExactly(
        at + "table: \"s.t\" has a schema prefix (expected: a plain table name for SQLite)");
    assertThat(problems("{include_bodies: true}")).containsExactly(at + "include_bodies: bodies are only stored in"
        + " persisted rows, never in log lines (expected: persist: true, or include_bodies: false)");
    assertThat(problems("{persist: true, backend: sqlite, dsn: a.db, retention: forever, queue_size: 0,"
        + " max_body_bytes: 10}")).containsExactly(
        at + "max_body_bytes: 10 is out of range (expected: 256 to 16777216)",
        at + "queue_size: 0 is out of range (expected: 1 to 10000000)",
        at + "retention: \"forever\" is not a duration (expected: seconds, or a number with ms, s, m, h or d)");
  }

  @Test
  void anUnreachableDatabaseFailsTheStartWithoutItsPassword() {
    RequestLoggerSettings s = settings("{persist: true, backend: postgres,"
        + " dsn: \"postgres://gw:hunter2@127.0.0.1:1/logs\"}");
    PluginChain chain = new PluginChain(List.of(logger(s)));

    assertThatThrownBy(() -> chain.start().await(20, TimeUnit.SECONDS))
        .hasMessageStartingWith("plugin request-logger failed to start: cannot open the postgres request log at"
            + " postgres://gw:***@127.0.0.1:1/logs (table switchboard_request_log): ")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void handleOnlyProceeds() {
    Plugin logger = logger(settings("{}"));
    Outcome outcome = new Outcome(new UpstreamResponse.Complete(Buffer.buffer(COMPLETION), null), null, 1);
    List<Exchange> seen = new ArrayList<>();
    Future<Outcome> result = logger.handle(Exchanges.chat("m", "Hi"), ex -> {
      seen.add(ex);
      return Future.succeededFuture(outcome);
    });
    assertThat(result.result()).isSameAs(outcome);
    assertThat(seen).hasSize(1);
  }

  @Test
  void dsnPasswordsAreRedactedInBothForms() {
    assertThat(Dsns.redact("postgres://gw:s3cr%2Ft@db:5432/x")).isEqualTo("postgres://gw:***@db:5432/x");
    assertThat(Dsns.redact("jdbc:postgresql://db/x?user=gw&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/x?user=gw&password=***&ssl=true");
    assertThat(Dsns.scrub("postgres://gw:s3cr%2Ft@db/x", "auth failed for s3cr/t")).isEqualTo("auth failed for ***");
    assertThat(Dsns.redact("logs/requests.db")).isEqualTo("logs/requests.db");
  }

  static List<Integer> statuses(Path db) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status FROM switchboard_request_log ORDER BY status")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  static List<String> errorTypes(Path db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT error_type FROM switchboard_request_log")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
