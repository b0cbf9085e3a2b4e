package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.rawEvents;
import static io.switchboard.e2e.MockUpstream.resource;
import static io.switchboard.e2e.MockUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ReferenceGuideConfigTestAccess;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.logging.RequestLoggerAccess;
import io.switchboard.server.GatewayServer;
import io.switchboard.testing.LogCapture;
import io.switchboard.testing.Services;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The request-logger through a real gateway: rows in SQLite and PostgreSQL, the guide's block, and SIGTERM. */
@Timeout(120)
class RequestLoggerE2eTest {
  static final String TEXT = GatewayOpenAiJavaE2eTest.OPENAI_TEXT;
  static final String STREAM = GatewayOpenAiJavaE2eTest.OPENAI_STREAM;
  static final String FAIL = "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}";
  static final String CLIENT_KEY = "sk-client-key-0123456789";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<AutoCloseable> closing = new ArrayList<>();
  final Set<GatewayServer> stopped = ConcurrentHashMap.newKeySet();

  @TempDir
  Path dir;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  /** Answers by what the request asks: "fail" in the text gets a 500, a stream gets the recorded stream. */
  MockUpstream upstream() throws Exception {
    MockUpstream u = new MockUpstream();
    closing.add(u);
    String text = resource(TEXT);
    List<String> events = rawEvents(resource(STREAM));
    return u.always((req, body) -> {
      JsonNode request = Json.parseOrNull(body);
      if (request.toString().contains("fail")) {
        json(500, FAIL).accept(req, body);
      } else if (request.path("stream").asBoolean()) {
        sse(events).accept(req, body);
      } else {
        json(200, text).accept(req, body);
      }
    });
  }

  GatewayServer gateway(String yaml, Map<String, String> env) throws Exception {
    GatewayConfig config = ConfigLoader.parse(yaml, env);
    GatewayServer server = GatewayServer.start(config.withServer(config.server().withListener("127.0.0.1", 0)))
        .await(20, TimeUnit.SECONDS);
    closing.add(() -> stop(server));
    return server;
  }

  /** Stops (and flushes) once; the clean-up after the test must not stop a stopped server again. */
  void stop(GatewayServer server) throws Exception {
    if (stopped.add(server)) {
      server.stop().await(20, TimeUnit.SECONDS);
    }
  }

  static String providers(MockUpstream upstream) {
    return "providers: [{key: a, provider: openai, api_key: sk-upstream-secret, base_url: \"" + upstream.url()
        + "/v1\"}]\n";
  }

  HttpResponse<String> post(int port, String requestId, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("content-type", "application/json")
        .header("authorization", "Bearer " + CLIENT_KEY)
        .header("x-switchboard-user", "alice")
        .header("x-request-id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String chat(String text, boolean stream) {
    return "{\"model\":\"gpt-4o\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text
        + "\"}]}";
  }

  /** Four kinds of request, each with its own id: a completion, a stream, an upstream error, a bad body. */
  record Traffic(String ok, String stream, String failed, String bad, int failedAttempts) {}

  Traffic traffic(int port) throws Exception {
    String prefix = "e2e-" + UUID.randomUUID() + "-";
    Traffic t = new Traffic(prefix + "ok", prefix + "stream", prefix + "failed", prefix + "bad", 0);
    assertThat(post(port, t.ok(), chat("Hi, my key is sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY", false)).statusCode())
        .isEqualTo(200);
    HttpResponse<String> stream = post(port, t.stream(), chat("Tell me", true));
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body()).contains("[DONE]").doesNotContain("\"usage\"");  // usage asked for, then stripped
    HttpResponse<String> failed = post(port, t.failed(), chat("please fail", false));
    assertThat(failed.statusCode()).isEqualTo(500);
    int attempts = Integer.parseInt(failed.headers().firstValue("x-switchboard-attempts").orElse("1"));
    assertThat(post(port, t.bad(), "{\"model\": ").statusCode()).isEqualTo(400);
    return new Traffic(t.ok(), t.stream(), t.failed(), t.bad(), attempts);
  }

  void assertRows(Map<String, Map<String, Object>> rows, Traffic t) {
    assertThat(rows).containsOnlyKeys(t.ok(), t.stream(), t.failed(), t.bad());
    String keyId = Exchange.keyId(CLIENT_KEY);
    for (Map<String, Object> row : rows.values()) {
      assertThat(row.get("key_id")).isEqualTo(keyId);
      assertThat(row.get("user_id")).isEqualTo("alice");
      assertThat(row.get("time")).isNotNull();
      assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(CLIENT_KEY));
    }
    Map<String, Object> ok = rows.get(t.ok());
    assertThat(ok).containsEntry("status", 200L).containsEntry("model_requested", "gpt-4o")
        .containsEntry("model_served", "gpt-4o").containsEntry("provider", "openai").containsEntry("target", "a")
        .containsEntry("tokens_in", 16L).containsEntry("tokens_out", 363L).containsEntry("tokens_cached", 0L)
        .containsEntry("attempts", 1L).containsEntry("ttft_ms", null).containsEntry("error_type", null);
    assertThat((Double) ok.get("cost_usd")).isPositive();
    assertThat(ok.get("request_body").toString()).contains("my key is [REDACTED:OPENAI_API_KEY]")
        .doesNotContain("sk-proj-");
    assertThat(ok.get("response_body").toString()).contains("Galaxy Day");

    Map<String, Object> stream = rows.get(t.stream());
    assertThat(stream).containsEntry("status", 200L).containsEntry("tokens_in", 79L).containsEntry("tokens_out", 1L)
        .containsEntry("provider", "openai");
    assertThat((Long) stream.get("ttft_ms")).isNotNull().isLessThanOrEqualTo((Long) stream.get("latency_ms"));
    assertThat(stream.get("response_body").toString()).contains("chat.completion").contains("\"usage\"");

    Map<String, Object> failed = rows.get(t.failed());
    assertThat(failed).containsEntry("status", 500L).containsEntry("error_type", "server_error")
        .containsEntry("provider", "openai").containsEntry("attempts", (long) t.failedAttempts())
        .containsEntry("tokens_in", null).containsEntry("cost_usd", null);

    Map<String, Object> bad = rows.get(t.bad());
    assertThat(bad).containsEntry("status", 400L).containsEntry("provider", null).containsEntry("model_requested", null)
        .containsEntry("error_type", "invalid_request_error");
  }

  @Test
  void everyRequestIsOneRowInSqlite() throws Exception {
    MockUpstream upstream = upstream();
    Path db = dir.resolve("logs/requests.db");
    GatewayServer server = gateway(providers(upstream) + """
        plugins:
          - name: request-logger
            type: logging
            stage: after_request
            config: {persist: true, backend: sqlite, dsn: "%s", include_bodies: true}
        """.formatted(db), Map.of());

    Traffic t = traffic(server.port());
    stop(server);  // flushes the log

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      assertRows(rows(c, "switchboard_request_log"), t);
    }
  }

  @Test
  void everyRequestIsOneRowInPostgres() throws Exception {
    String dsn = Services.requirePostgres();
    String table = "sbtest_reqlog_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    MockUpstream upstream = upstream();
    GatewayServer server = gateway(providers(upstream) + """
        plugins:
          - name: request-logger
            type: logging
            config: {persist: true, backend: postgres, dsn: "%s", table: %s, include_bodies: true}
        """.formatted(dsn, table), Map.of());
    Properties user = new Properties();
    user.setProperty("user", "postgres");
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", user)) {
      try {
        Traffic t = traffic(server.port());
        stop(server);
        assertRows(rows(c, table), t);
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + table);
        }
      }
    }
  }

  /**
   * With one event loop, three 9 MB prompts are answered and then take seconds of secret scanning to log: a small
   * request meanwhile is answered at once, because that work happens off the loop. Every row still arrives.
   */
  @Test
  void aSmallRequestIsAnsweredWhileBigBodiesAreBeingLogged() throws Exception {
    MockUpstream upstream = new MockUpstream();
    closing.add(upstream);
    String answer = resource(TEXT);
    upstream.always((req, body) -> json(200, answer).accept(req, body));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    closing.add(() -> vertx.close().await(20, TimeUnit.SECONDS));
    Path db = dir.resolve("big.db");
    Plugin logger = RequestLoggerAccess.create(vertx, "{persist: true, backend: sqlite, dsn: \"" + db + "\","
        + " include_bodies: true}");
    GatewayConfig config = ConfigLoader.parse("server: {event_loops: 1}\n" + providers(upstream), Map.of());
    GatewayServer server = GatewayServer.start(vertx, config.withServer(config.server().withListener("127.0.0.1", 0)),
        List.of(logger)).await(20, TimeUnit.SECONDS);
    closing.add(() -> stop(server));
    StringBuilder prompt = new StringBuilder("my key is sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY. ");
    for (int i = 0; prompt.length() < 9_000_000; i++) {
      prompt.append("The quick brown fox jumps over the lazy dog, again and again; ").append(i % 1000).append(". ");
    }
    String big = chat(prompt.toString(), false);

    List<CompletableFuture<HttpResponse<String>>> bigs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bigs.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
              + "/v1/chat/completions"))
          .header("content-type", "application/json").header("x-request-id", "big-" + i)
          .POST(HttpRequest.BodyPublishers.ofString(big)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> response : bigs) {
      assertThat(response.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    // Each big request's onFinish ran on the one loop right after its answer was written: what is left is off it.
    long start = System.nanoTime();
    HttpResponse<String> small = post(server.port(), "small", chat("Hi", false));
    long handedOn = RequestLoggerAccess.rowsHandedOn(logger);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(handedOn).as("big rows ready when the small request was answered (in %d ms)", millis).isLessThan(3);
    // Close would wait for them too, but only up to its timeout: a busy machine may need longer.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (RequestLoggerAccess.rowsHandedOn(logger) < 4) {
      assertThat(System.nanoTime() - deadline).as("every row prepared within 90 s").isNegative();
      Thread.sleep(20);
    }
    stop(server);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      Map<String, Map<String, Object>> rows = rows(c, "switchboard_request_log");
      assertThat(rows).containsOnlyKeys("big-0", "big-1", "big-2", "small");
      for (String id : List.of("big-0", "big-1", "big-2")) {
        assertThat(rows.get(id).get("request_body").toString()).startsWith("{\"model\":\"gpt-4o\"")
            .contains("my key is [REDACTED:OPENAI_API_KEY]").endsWith("...[TRUNCATED]")
            .hasSizeLessThanOrEqualTo(64 * 1024);
      }
    }
  }

  /** The guide's block, verbatim but for its relative dsn, which is pointed into a temp dir (tests write only there). */
  @Test
  void theGuidesBlockLogsAndPersistsAsWritten(@TempDir Path dir) throws Exception {
    String block = ReferenceGuideConfigTestAccess.yamlBlocks().get(4);
    String guide = block.substring(block.indexOf('\n', block.indexOf("# After")) + 1);
    assertThat(guide).contains("dsn: ferrogw-requests.db");
    Path db = dir.resolve("ferrogw-requests.db");
    String ferro = guide.replace("dsn: ferrogw-requests.db", "dsn: " + db);
    LogCapture lines = LogCapture.of("switchboard.requests");
    try {
      MockUpstream upstream = upstream();
      GatewayServer server = gateway(ferro, Map.of("OPENAI_API_KEY", "sk-test-openai",
          "OPENAI_BASE_URL", upstream.url() + "/v1"));
      String id = "guide-" + UUID.randomUUID();
      assertThat(post(server.port(), id, chat("Hi", false)).statusCode()).isEqualTo(200);
      assertThat(post(server.port(), id + "-2", chat("please fail", false)).statusCode()).isEqualTo(500);
      stop(server);

      assertThat(Files.exists(db)).isTrue();
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        Map<String, Map<String, Object>> rows = rows(c, "switchboard_request_log");
        assertThat(rows).containsOnlyKeys(id, id + "-2");
        assertThat(rows.get(id)).containsEntry("status", 200L).containsEntry("tokens_out", 363L)
            .containsEntry("request_body", null);  // bodies only when asked
      }
      assertThat(lines.events()).extracting(e -> e.getLevel().toString()).containsExactly("INFO", "ERROR");
      assertThat(lines.events().getFirst().getFormattedMessage()).startsWith("request " + id + " status=200");
    } finally {
      lines.close();
    }
  }

  /** Every row of {@code table} by request id, as column name to JDBC value (numbers widened to long/double). */
  static Map<String, Map<String, Object>> rows(Connection c, String table) throws SQLException {
    Map<String, Map<String, Object>> out = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          if (v instanceof Integer n) {
            v = n.longValue();
          } else if (v instanceof Float f) {
            v = f.doubleValue();
          }
          row.put(meta.getColumnName(i).toLowerCase(), v);
        }
        assertThat(out.put((String) row.get("request_id"), row)).as("one row per request id").isNull();
      }
    }
    return out;
  }
}
