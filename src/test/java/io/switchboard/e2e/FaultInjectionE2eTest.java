package io.switchboard.e2e;

import static io.switchboard.e2e.FaultyUpstream.status;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.e2e.FaultyUpstream.End;
import io.switchboard.server.GatewayServer;
import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault injection, end to end: the real gateway in-process, the official openai-java client and raw
 * HTTP, and upstreams that fail on purpose. Every case ends in a success after retry or fallback, or in
 * a clean OpenAI-shaped error, within its timeout; it says exactly which upstream was asked how often;
 * and after it no upstream request is left in progress.
 */
@Timeout(10)
class FaultInjectionE2eTest {
  static final String OPENAI_STREAM = GatewayOpenAiJavaE2eTest.OPENAI_STREAM;
  static final String OPENAI_TEXT = GatewayOpenAiJavaE2eTest.OPENAI_TEXT;
  static final String ANTHROPIC_TEXT = GatewayOpenAiJavaE2eTest.ANTHROPIC_TEXT;
  static final String ANTHROPIC_STREAM = GatewayOpenAiJavaE2eTest.ANTHROPIC_STREAM;
  static final String OPENAI_TEXT_ID = "chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU";
  static final String OAI_ERROR = "{\"error\":{\"message\":\"upstream trouble\",\"type\":\"server_error\",\"param\":null,\"code\":\"upstream_busy\"}}";
  static final String OVERLOADED = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";

  /** OpenAI format. */
  static FaultyUpstream a;
  /** OpenAI format, second account. */
  static FaultyUpstream b;
  /** Anthropic format. */
  static FaultyUpstream c;
  /** OpenAI format; every close it makes is a TCP RST. */
  static FaultyUpstream rst;
  static int refusedPort;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  GatewayServer gateway;
  OpenAIClient client;

  @BeforeAll
  static void startUpstreams() throws Exception {
    a = new FaultyUpstream();
    b = new FaultyUpstream();
    c = new FaultyUpstream();
    rst = new FaultyUpstream(true);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      refusedPort = s.getLocalPort();  // nothing listens there once closed
    }
  }

  @AfterAll
  static void stopUpstreams() throws Exception {
    for (FaultyUpstream u : List.of(a, b, c, rst)) {
      u.close();
    }
  }

  @BeforeEach
  void clean() {
    for (FaultyUpstream u : List.of(a, b, c, rst)) {
      u.reset();
    }
  }

  @AfterEach
  void nothingLeftInFlight() throws Exception {
    try {
      for (FaultyUpstream u : List.of(a, b, c, rst)) {
        awaitTrue(Duration.ofSeconds(2), () -> u.inFlight() == 0);
        assertThat(u.inFlight()).as("upstream requests still in progress at " + u.url()).isZero();
        assertThat(u.unusedScript()).as("scripted replies never used at " + u.url()).isZero();
      }
    } finally {
      if (gateway != null) {
        gateway.stop().await(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Providers: a (openai), b (openai-compatible), c (anthropic), rst (openai, resets), refused (openai,
   * nothing listening), slow (openai at a, long timeout); all 1 s unless said otherwise.
   */
  void start(String strategyAndTargets) throws Exception {
    String config = """
        server: {port: 0, host: 127.0.0.1, event_loops: 2}
        providers:
          - {key: a, provider: openai, api_key: sk-upstream-a, base_url: "%s/v1", timeout: 1s}
          - {key: b, provider: openai-compatible, api_key: sk-upstream-b, base_url: "%s/v1", timeout: 1s}
          - {key: c, provider: anthropic, api_key: sk-ant-upstream-c, base_url: "%s", timeout: 1s}
          - {key: rst, provider: openai, api_key: sk-upstream-r, base_url: "%s/v1", timeout: 1s}
          - {key: refused, provider: openai, api_key: sk-upstream-x, base_url: "http://127.0.0.1:%d/v1", timeout: 1s}
          - {key: slow, provider: openai, api_key: sk-upstream-s, base_url: "%s/v1", timeout: 8s}
        """.formatted(a.url(), b.url(), c.url(), rst.url(), refusedPort, a.url()) + strategyAndTargets;
    gateway = GatewayServer.start(ConfigLoader.parse(config, Map.of())).await(10, TimeUnit.SECONDS);
    client = OpenAIOkHttpClient.builder()
        .baseUrl(base() + "/v1")
        .apiKey("sk-client")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(8))
        .build();
  }

  String base() {
    return "http://127.0.0.1:" + gateway.port();
  }

  static final String RETRY = "retry: {attempts: 2, retry_on_status: [429, 500, 502, 503, 504], "
      + "initial_backoff_ms: 5, max_backoff_ms: 10, max_retry_after_ms: 1000}";

  /** primary: a with one retry; backup: c (Anthropic), gpt-4o mapped to a Claude model. */
  void startPrimaryAndClaudeBackup(String primaryKey) throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: primary, virtual_key: %s, models: [gpt-4o], %s}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """.formatted(primaryKey, RETRY));
  }

  static ChatCompletionCreateParams chat() {
    return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hello!").build();
  }

  HttpResponse<String> post(boolean stream) throws Exception {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]"
        + (stream ? ",\"stream\":true" : "") + "}";
    return http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions"))
        .header("content-type", "application/json")
        .header("authorization", "Bearer sk-client")
        .timeout(Duration.ofSeconds(8))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A clean OpenAI error: the status, JSON with error.type and error.code, and nothing of a stack trace. */
  static JsonNode assertCleanError(HttpResponse<String> response, int status, String type, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode body = Json.parseOrNull(Buffer.buffer(response.body()));
    assertThat(body).as(response.body()).isNotNull();
    assertThat(body.at("/error/message").isTextual()).isTrue();
    assertThat(body.at("/error/type").asText()).isEqualTo(type);
    if (code == null) {
      assertThat(body.at("/error/code").isNull() || body.at("/error/code").isMissingNode()).as(response.body()).isTrue();
    } else {
      assertThat(body.at("/error/code").asText()).isEqualTo(code);
    }
    assertThat(response.body()).doesNotContain("Exception", "\tat ", "io.vertx", "io.netty", "sk-upstream", "sk-ant-upstream");
    return body;
  }

  static void assertRouting(HttpResponse<String> response, String target, int attempts) {
    assertThat(response.headers().allValues("x-switchboard-target")).containsExactly(target);
    assertThat(response.headers().allValues("x-switchboard-attempts")).containsExactly(Integer.toString(attempts));
  }

  static void assertRouting(HttpResponseFor<?> response, String target, int attempts) {
    assertThat(response.headers().values("x-switchboard-target")).containsExactly(target);
    assertThat(response.headers().values("x-switchboard-attempts")).containsExactly(Integer.toString(attempts));
  }

  /** The data payloads of an SSE body. */
  static List<String> data(String sse) {
    List<String> out = new ArrayList<>();
    for (String line : sse.replace("\r\n", "\n").split("\n")) {
      if (line.startsWith("data:")) {
        out.add(line.substring(5).trim());
      }
    }
    return out;
  }

  /** The assistant text of an OpenAI chunk stream. */
  static String text(List<String> data) {
    StringBuilder text = new StringBuilder();
    for (String d : data) {
      if (d.startsWith("{")) {
        text.append(Json.parseOrNull(Buffer.buffer(d)).at("/choices/0/delta/content").asText(""));
      }
    }
    return text.toString();
  }

  static void awaitTrue(Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** The upstream saw exactly {@code n} requests abandoned (connection closed before the answer ended), within 1 s. */
  static void assertAbandoned(FaultyUpstream u, int n) throws InterruptedException {
    awaitTrue(Duration.ofSeconds(1), () -> u.abandonedAtNanos().size() >= n);
    assertThat(u.abandonedAtNanos()).as("upstream requests cancelled by the gateway at " + u.url()).hasSize(n);
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static List<String> openAiEvents() {
    return MockUpstream.rawEvents(resource(OPENAI_STREAM));
  }

  static List<String> anthropicEvents() {
    return MockUpstream.rawEvents(resource(ANTHROPIC_STREAM));
  }

  // ---------------------------------------------------------------- 429

  @Test
  void rateLimitWithRetryAfterIsRetriedOnTheSameTargetAfterTheWait() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.withHeader("retry-after", "0.3", status(429,
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
    a.then(FaultyUpstream.body200("application/json", resource(OPENAI_TEXT)));

    long start = System.nanoTime();
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().id()).isEqualTo(OPENAI_TEXT_ID);
    assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
    assertThat(a.received()).hasSize(2);
    assertThat(a.received().get(1).arrivedNanos() - a.received().get(0).arrivedNanos()).isGreaterThanOrEqualTo(300_000_000L);
    assertThat(c.received()).isEmpty();
    assertRouting(raw, "primary", 2);
  }

  @Test
  void rateLimitWithRetryAfterBeyondTheCapFailsOverAtOnce() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.withHeader("retry-after", "30", status(429,
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
    c.then(FaultyUpstream.body200("application/json", resource(ANTHROPIC_TEXT)));

    long start = System.nanoTime();
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello!"));
    assertThat(millisSince(start)).isLessThan(1000);
    assertThat(a.received()).hasSize(1);
    assertThat(c.received()).hasSize(1);
    assertThat(c.received().getFirst().body().get("model").asText()).isEqualTo("claude-3-5-haiku-latest");
    assertRouting(raw, "backup", 2);
    assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("anthropic");
  }

  // ---------------------------------------------------------------- 5xx

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void serverErrorsAreRetriedThenFailOverToAnotherProvider(int code) throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(status(code, OAI_ERROR)).then(status(code, OAI_ERROR));
    c.then(FaultyUpstream.body200("application/json", resource(ANTHROPIC_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello!"));
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(1);
    assertRouting(raw, "backup", 3);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void aServerErrorThenSuccessIsOneRetry(int code) throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(status(code, OAI_ERROR)).then(FaultyUpstream.body200("application/json", resource(OPENAI_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().id()).isEqualTo(OPENAI_TEXT_ID);
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).isEmpty();
    assertRouting(raw, "primary", 2);
  }

  @Test
  void anHtmlErrorPageEverywhereIsACleanErrorWithTheLastStatus() throws Exception {
    startPrimaryAndClaudeBackup("a");
    String page = "<html><head><title>503 Service Temporarily Unavailable</title></head><body>nginx</body></html>";
    FaultyUpstream.Fault html = (req, body) -> req.response().setStatusCode(503).putHeader("content-type", "text/html").end(page);
    a.then(html).then(html);
    c.then((req, body) -> req.response().setStatusCode(502).putHeader("content-type", "text/html").end(page));

    HttpResponse<String> response = post(false);

    JsonNode error = assertCleanError(response, 502, "api_error", null);
    assertThat(error.at("/error/message").asText()).contains("502").contains("Service Temporarily Unavailable");
    assertRouting(response, "backup", 3);
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(1);
  }

  // ---------------------------------------------------------------- connection refused

  @Test
  void connectionRefusedIsRetriedThenFailsOver() throws Exception {
    startPrimaryAndClaudeBackup("refused");
    c.then(FaultyUpstream.body200("application/json", resource(ANTHROPIC_TEXT)));

    long start = System.nanoTime();
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello!"));
    assertThat(millisSince(start)).isLessThan(1000);
    assertThat(c.received()).hasSize(1);
    assertRouting(raw, "backup", 3);
  }

  @Test
  void connectionRefusedEverywhereIsA502() throws Exception {
    start("""
        strategy: {mode: single}
        targets:
          - {name: only, virtual_key: refused, models: [gpt-4o], %s}
        """.formatted(RETRY));

    HttpResponse<String> response = post(false);

    assertCleanError(response, 502, "api_error", "upstream_connection_error");
    assertRouting(response, "only", 2);
  }

  // ---------------------------------------------------------------- reset mid-body

  @Test
  void connectionClosedMidBodyIsRetried() throws Exception {
    startPrimaryAndClaudeBackup("a");
    String full = resource(OPENAI_TEXT);
    a.then(FaultyUpstream.cutBody(full.substring(0, 60), full.length()))
        .then(FaultyUpstream.body200("application/json", full));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().id()).isEqualTo(OPENAI_TEXT_ID);
    assertThat(a.received()).hasSize(2);
    assertRouting(raw, "primary", 2);
  }

  @Test
  void connectionResetMidBodyEverywhereFailsOverThenAnswers502() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: first, virtual_key: rst, models: [gpt-4o], %s}
          - {name: second, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """.formatted(RETRY));
    String full = resource(OPENAI_TEXT);
    rst.then(FaultyUpstream.cutBody(full.substring(0, 60), full.length()))
        .then(FaultyUpstream.cutBody(full.substring(0, 10), full.length()));
    String claude = resource(ANTHROPIC_TEXT);
    c.then(FaultyUpstream.cutBody(claude.substring(0, 40), claude.length()));

    HttpResponse<String> response = post(false);

    assertCleanError(response, 502, "api_error", "upstream_connection_error");
    assertRouting(response, "second", 3);
    assertThat(rst.received()).hasSize(2);
    assertThat(c.received()).hasSize(1);
  }

  @Test
  void connectionClosedBeforeAnyStatusLineFailsOver() throws Exception {
    startPrimaryAndClaudeBackup("rst");
    rst.then(FaultyUpstream.closeAtOnce()).then(FaultyUpstream.closeAtOnce());
    c.then(FaultyUpstream.body200("application/json", resource(ANTHROPIC_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().choices().getFirst().message().content()).isPresent();
    assertThat(rst.received()).hasSize(2);
    assertThat(c.received()).hasSize(1);
    assertRouting(raw, "backup", 3);
  }

  // ---------------------------------------------------------------- timeouts

  @Test
  void upstreamTimeoutIsCancelledAndFailsOver() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: primary, virtual_key: a, models: [gpt-4o]}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.hang());
    c.then(FaultyUpstream.body200("application/json", resource(ANTHROPIC_TEXT)));

    long start = System.nanoTime();
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().choices().getFirst().message().content()).isPresent();
    assertThat(millisSince(start)).isBetween(1000L, 2500L);
    assertThat(a.received()).hasSize(1);
    assertAbandoned(a, 1);
    assertThat(c.received()).hasSize(1);
    assertRouting(raw, "backup", 2);
  }

  @Test
  void upstreamTimeoutEverywhereIsA504() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: first, virtual_key: a, models: [gpt-4o]}
          - {name: second, virtual_key: b, models: [gpt-4o]}
        """);
    a.then(FaultyUpstream.hang());
    b.then(FaultyUpstream.hang());

    long start = System.nanoTime();
    HttpResponse<String> response = post(false);

    assertCleanError(response, 504, "timeout_error", "upstream_timeout");
    assertThat(millisSince(start)).isBetween(2000L, 3500L);
    assertRouting(response, "second", 2);
    assertThat(a.received()).hasSize(1);
    assertThat(b.received()).hasSize(1);
    assertAbandoned(a, 1);
    assertAbandoned(b, 1);
  }

  // ---------------------------------------------------------------- SSE truncation

  @Test
  void streamCutBeforeTheFirstByteFailsOverToAnotherProvider() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.sse(openAiEvents(), 0, End.CUT, Duration.ZERO, Duration.ofMillis(2)))
        .then(FaultyUpstream.sse(openAiEvents(), 0, End.CUT, Duration.ZERO, Duration.ofMillis(2)));
    c.then(FaultyUpstream.sse(anthropicEvents()));

    HttpResponse<String> response = post(true);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(data(response.body()))).isEqualTo("Hello there!");
    assertThat(data(response.body()).getLast()).isEqualTo("[DONE]");
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(1);
    assertRouting(response, "backup", 3);
  }

  @Test
  void streamEndedCleanlyWithoutAnyEventFailsOver() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.sse(openAiEvents(), 0, End.END, Duration.ZERO, Duration.ofMillis(2)))
        .then(FaultyUpstream.sse(openAiEvents(), 0, End.END, Duration.ZERO, Duration.ofMillis(2)));
    c.then(FaultyUpstream.sse(anthropicEvents()));

    HttpResponse<String> response = post(true);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(data(response.body()))).isEqualTo("Hello there!");
    // An event stream that ends without [DONE] is a truncated stream (502): retried, then failed over.
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(1);
    assertRouting(response, "backup", 3);
  }

  @Test
  void openAiStreamCutAfterTheFirstByteEndsWithAnErrorEvent() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.sse(openAiEvents(), 3, End.CUT, Duration.ZERO, Duration.ofMillis(2)));

    HttpResponse<String> response = post(true);

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> data = data(response.body());
    assertThat(data).hasSize(4).doesNotContain("[DONE]");
    JsonNode error = Json.parseOrNull(Buffer.buffer(data.getLast()));
    assertThat(error.at("/error/type").asText()).isEqualTo("api_error");
    assertThat(error.at("/error/code").asText()).isIn("upstream_stream_error", "upstream_stream_truncated");
    assertThat(response.body()).doesNotContain("Exception", "\tat ");
    assertThat(a.received()).hasSize(1);  // bytes already reached the client: no retry, no failover
    assertThat(c.received()).isEmpty();
    assertRouting(response, "primary", 1);
  }

  @Test
  void streamResetAfterTheFirstByteEndsWithAnErrorEvent() throws Exception {
    startPrimaryAndClaudeBackup("rst");
    rst.then(FaultyUpstream.sse(openAiEvents(), 2, End.CUT, Duration.ZERO, Duration.ofMillis(2)));

    HttpResponse<String> response = post(true);

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> data = data(response.body());
    assertThat(data).hasSize(3).doesNotContain("[DONE]");
    JsonNode error = Json.parseOrNull(Buffer.buffer(data.getLast()));
    assertThat(error.at("/error/type").asText()).isEqualTo("api_error");
    assertThat(error.at("/error/code").asText()).isIn("upstream_stream_error", "upstream_stream_truncated");
    assertThat(response.body()).doesNotContain("Exception", "\tat ");
    assertThat(rst.received()).hasSize(1);
    assertThat(c.received()).isEmpty();
    assertRouting(response, "primary", 1);
  }

  @Test
  void anthropicStreamCutAfterTheFirstByteEndsWithAnErrorEvent() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: claude, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
          - {name: openai, virtual_key: a, models: [gpt-4o]}
        """);
    // message_start, content_block_start, ping, "Hello": then the connection drops
    c.then(FaultyUpstream.sse(anthropicEvents(), 4, End.CUT, Duration.ZERO, Duration.ofMillis(2)));

    HttpResponse<String> response = post(true);

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> data = data(response.body());
    assertThat(data).doesNotContain("[DONE]");
    assertThat(text(data)).isEqualTo("Hello");
    JsonNode error = Json.parseOrNull(Buffer.buffer(data.getLast()));
    assertThat(error.at("/error/type").asText()).isEqualTo("api_error");
    assertThat(error.at("/error/code").asText()).isIn("upstream_stream_error", "upstream_stream_truncated");
    assertThat(response.body()).doesNotContain("Exception", "\tat ");
    assertThat(c.received()).hasSize(1);
    assertThat(a.received()).isEmpty();
    assertRouting(response, "claude", 1);
  }

  @Test
  void anthropicErrorEventBeforeTheFirstByteFailsOver() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: claude, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
          - {name: openai, virtual_key: a, models: [gpt-4o]}
        """);
    c.then(FaultyUpstream.sse(List.of("event: error\ndata: " + OVERLOADED + "\n\n")));
    a.then(FaultyUpstream.sse(openAiEvents()));

    HttpResponse<String> response = post(true);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(data(response.body()).getLast()).isEqualTo("[DONE]");
    assertThat(text(data(response.body()))).isNotEmpty();
    assertThat(c.received()).hasSize(1);
    assertThat(a.received()).hasSize(1);
    assertRouting(response, "openai", 2);
  }

  @Test
  void anthropicErrorEventAfterMessageStartEndsTheStreamWithThatError() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: claude, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
          - {name: openai, virtual_key: a, models: [gpt-4o]}
        """);
    // message_start already became the first chunk (the assistant role): the stream is committed.
    c.then(FaultyUpstream.sse(List.of(anthropicEvents().getFirst(), "event: error\ndata: " + OVERLOADED + "\n\n")));

    HttpResponse<String> response = post(true);

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> data = data(response.body());
    assertThat(data).hasSize(2).doesNotContain("[DONE]");
    JsonNode error = Json.parseOrNull(Buffer.buffer(data.getLast()));
    assertThat(error.at("/error/type").asText()).isEqualTo("api_error");
    assertThat(error.at("/error/code").asText()).isEqualTo("overloaded");
    assertThat(c.received()).hasSize(1);
    assertThat(a.received()).isEmpty();
    assertRouting(response, "claude", 1);
  }

  @Test
  void anthropicErrorEventAsTheOnlyAnswerIsItsStatusInOpenAiShape() throws Exception {
    start("""
        strategy: {mode: single}
        targets:
          - {name: claude, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    c.then(FaultyUpstream.sse(List.of("event: error\ndata: " + OVERLOADED + "\n\n")));

    HttpResponse<String> response = post(true);

    assertCleanError(response, 529, "api_error", "overloaded");
    assertRouting(response, "claude", 1);
  }

  @Test
  void streamThatStallsAfterTheFirstByteEndsWithinTheIdleTimeout() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.sse(openAiEvents(), 2, End.STALL, Duration.ZERO, Duration.ofMillis(2)));

    long start = System.nanoTime();
    HttpResponse<String> response = post(true);

    assertThat(millisSince(start)).isBetween(900L, 3000L);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> data = data(response.body());
    assertThat(data).hasSize(3).doesNotContain("[DONE]");
    assertThat(Json.parseOrNull(Buffer.buffer(data.getLast())).at("/error/type").asText()).isIn("api_error", "timeout_error");
    assertThat(a.received()).hasSize(1);
    assertAbandoned(a, 1);
  }

  // ---------------------------------------------------------------- malformed answers

  @Test
  void truncatedJsonFromAnthropicFailsOver() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: claude, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
          - {name: openai, virtual_key: a, models: [gpt-4o]}
        """);
    c.then(FaultyUpstream.body200("application/json", "{\"id\": \"msg_01\", \"type\": \"mess"));
    a.then(FaultyUpstream.body200("application/json", resource(OPENAI_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().id()).isEqualTo(OPENAI_TEXT_ID);
    assertThat(c.received()).hasSize(1);
    assertThat(a.received()).hasSize(1);
    assertRouting(raw, "openai", 2);
  }

  @Test
  void htmlInsteadOfJsonFailsOver() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.body200("text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"));
    c.then(FaultyUpstream.body200("application/json", resource(ANTHROPIC_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().choices().getFirst().message().content()).isPresent();
    assertThat(a.received()).hasSize(1);  // an invalid answer is not retried on the same target
    assertThat(c.received()).hasSize(1);
    assertRouting(raw, "backup", 2);
  }

  @Test
  void malformedAnswersEverywhereAreA502() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: first, virtual_key: a, models: [gpt-4o]}
          - {name: second, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.body200("text/html", "<!DOCTYPE html><html>oops</html>"));
    c.then(FaultyUpstream.body200("application/json", "{\"id\": \"msg_01\", \"cont"));

    HttpResponse<String> response = post(false);

    assertCleanError(response, 502, "api_error", "upstream_invalid_response");
    assertRouting(response, "second", 2);
  }

  @Test
  void truncatedJsonFromAnOpenAiUpstreamFailsOver() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.body200("application/json", "{\"id\": \"chatcmpl-123\", \"object\": \"chat.compl"));
    c.then(FaultyUpstream.body200("application/json", resource(ANTHROPIC_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat());

    assertThat(raw.parse().choices().getFirst().message().content()).isPresent();
    assertThat(a.received()).hasSize(1);
    assertThat(c.received()).hasSize(1);
    assertRouting(raw, "backup", 2);
  }

  // ---------------------------------------------------------------- slow first byte

  @Test
  void slowFirstByteWithinTheTimeoutSucceeds() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(FaultyUpstream.sse(openAiEvents(), openAiEvents().size(), End.END, Duration.ofMillis(400), Duration.ofMillis(2)));

    long start = System.nanoTime();
    HttpResponse<String> response = post(true);

    assertThat(millisSince(start)).isGreaterThanOrEqualTo(400);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(data(response.body()).getLast()).isEqualTo("[DONE]");
    assertThat(text(data(response.body()))).isNotEmpty();
    assertThat(a.received()).hasSize(1);
    assertThat(c.received()).isEmpty();
    assertRouting(response, "primary", 1);
  }

  @Test
  void slowFirstByteBeyondTheTimeoutFailsOver() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: primary, virtual_key: a, models: [gpt-4o]}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.sse(openAiEvents(), openAiEvents().size(), End.END, Duration.ofMillis(1600), Duration.ofMillis(2)));
    c.then(FaultyUpstream.sse(anthropicEvents()));

    long start = System.nanoTime();
    HttpResponse<String> response = post(true);

    assertThat(millisSince(start)).isBetween(1000L, 2500L);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(data(response.body()))).isEqualTo("Hello there!");
    assertThat(a.received()).hasSize(1);
    assertAbandoned(a, 1);
    assertThat(c.received()).hasSize(1);
    assertRouting(response, "backup", 2);
  }

  // ---------------------------------------------------------------- all targets failing

  @Test
  void allTargetsFailingGivesTheLastUpstreamsErrorAndEveryAttempt() throws Exception {
    startPrimaryAndClaudeBackup("a");
    a.then(status(503, OAI_ERROR)).then(status(503, OAI_ERROR));
    c.then(status(529, OVERLOADED));

    assertThatThrownBy(() -> client.chat().completions().create(chat()))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(529);
          assertThat(e.code()).contains("overloaded");
          assertThat(e.type()).contains("api_error");
          assertThat(e.headers().values("x-switchboard-attempts")).containsExactly("3");
          assertThat(e.headers().values("x-switchboard-target")).containsExactly("backup");
        });
    assertThat(a.received()).hasSize(2);
    assertThat(c.received()).hasSize(1);
  }

  @Test
  void allTargetsFailingOnAStreamIsAPlainJsonError() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: first, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
          - {name: second, virtual_key: b, models: [gpt-4o], %s}
        """.formatted(RETRY));
    c.then(status(529, OVERLOADED));
    b.then(status(502, OAI_ERROR)).then(status(500, OAI_ERROR));

    HttpResponse<String> response = post(true);

    assertCleanError(response, 500, "server_error", "upstream_busy");
    assertRouting(response, "second", 3);
    assertThat(c.received()).hasSize(1);
    assertThat(b.received()).hasSize(2);
  }

  // ---------------------------------------------------------------- client goes away

  /** Sends a chat request on a raw socket, reads until {@code events} SSE data lines arrived, then closes. */
  long disconnectAfter(int events, boolean stream, Duration orAfter) throws Exception {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]"
        + (stream ? ",\"stream\":true" : "") + "}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      if (events == 0) {
        Thread.sleep(orAfter.toMillis());
      } else {
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        while (seen.toString().split("data:", -1).length - 1 < events) {
          int n = in.read(buf);
          assertThat(n).as("the gateway closed the stream early: " + seen).isPositive();
          seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        assertThat(seen.toString()).startsWith("HTTP/1.1 200");
      }
    }
    return System.nanoTime();
  }

  @Test
  void clientDisconnectingMidStreamCancelsTheUpstreamRequest() throws Exception {
    startPrimaryAndClaudeBackup("a");
    // An endless stream: an event every 20 ms.
    a.then(FaultyUpstream.sse(openAiEvents().subList(0, 5), 100_000, End.END, Duration.ZERO, Duration.ofMillis(20)));

    long closedAt = disconnectAfter(2, true, Duration.ZERO);

    awaitTrue(Duration.ofSeconds(2), () -> !a.abandonedAtNanos().isEmpty());
    assertAbandoned(a, 1);
    assertThat((a.abandonedAtNanos().getFirst() - closedAt) / 1_000_000).isLessThan(1000);
    assertThat(a.received()).hasSize(1);
    assertThat(c.received()).isEmpty();
  }

  @Test
  void clientDisconnectingMidAnthropicStreamCancelsTheUpstreamRequest() throws Exception {
    start("""
        strategy: {mode: single}
        targets:
          - {name: claude, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    // message_start, then a "Hello" delta every 20 ms, for ever
    List<String> events = anthropicEvents();
    List<String> endless = new ArrayList<>(events.subList(0, 2));
    for (int i = 0; i < 1000; i++) {
      endless.add(events.get(3));
    }
    c.then(FaultyUpstream.sse(endless, endless.size(), End.END, Duration.ZERO, Duration.ofMillis(20)));

    long closedAt = disconnectAfter(3, true, Duration.ZERO);

    awaitTrue(Duration.ofSeconds(2), () -> !c.abandonedAtNanos().isEmpty());
    assertAbandoned(c, 1);
    assertThat((c.abandonedAtNanos().getFirst() - closedAt) / 1_000_000).isLessThan(1000);
    assertThat(c.received()).hasSize(1);
  }

  @Test
  void clientDisconnectingBeforeTheFirstByteCancelsTheUpstreamRequest() throws Exception {
    start("""
        strategy: {mode: fallback}
        targets:
          - {name: slow, virtual_key: slow, models: [gpt-4o]}
          - {name: backup, virtual_key: c, model_map: {gpt-4o: claude-3-5-haiku-latest}}
        """);
    a.then(FaultyUpstream.hang());  // "slow" is a with an 8 s timeout

    long closedAt = disconnectAfter(0, true, Duration.ofMillis(300));

    awaitTrue(Duration.ofSeconds(2), () -> !a.abandonedAtNanos().isEmpty());
    assertAbandoned(a, 1);
    assertThat((a.abandonedAtNanos().getFirst() - closedAt) / 1_000_000).isLessThan(1000);
    assertThat(a.received()).hasSize(1);
    assertThat(c.received()).as("no failover for a client that is gone").isEmpty();
  }

  @Test
  void clientDisconnectingDuringANonStreamRequestCancelsTheUpstreamRequest() throws Exception {
    start("""
        strategy: {mode: single}
        targets:
          - {name: slow, virtual_key: slow, models: [gpt-4o]}
        """);
    a.then(FaultyUpstream.hang());

    long closedAt = disconnectAfter(0, false, Duration.ofMillis(300));

    assertAbandoned(a, 1);
    assertThat((a.abandonedAtNanos().getFirst() - closedAt) / 1_000_000).isLessThan(1000);
    assertThat(a.received()).hasSize(1);
  }
}
