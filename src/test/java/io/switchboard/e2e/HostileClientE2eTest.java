package io.switchboard.e2e;

import static io.switchboard.e2e.FaultInjectionE2eTest.OPENAI_TEXT;
import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.server.GatewayServer;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway against hostile and careless clients, one case per way in: an open relay, cross-origin pages,
 * DNS rebinding, bodies that lie about their length, clients that send slowly or not at all, too many
 * connections, oversized heads, control characters in what reaches a header. Each case checks the answer's
 * status and OpenAI shape, that no upstream was called where none should be, and that the gateway still
 * serves afterwards.
 */
@Timeout(120)
class HostileClientE2eTest extends E2eResources {
  private static final String KEY = "sk-master-0123456789abcdef";
  private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A gateway on 127.0.0.1 with {@code server} settings, in front of {@code upstream}. */
  private int start(MockUpstream upstream, String server, Map<String, String> env) throws Exception {
    String yaml = "server: {port: 0, host: 127.0.0.1, event_loops: 2" + (server.isEmpty() ? "" : ", " + server)
        + "}\nproviders: [{key: a, provider: openai, api_key: sk-upstream-secret, base_url: \"" + upstream.url()
        + "/v1\", models: [\"*\"]}]\n";
    GatewayServer gateway = GatewayServer.start(ConfigLoader.parse(yaml, env)).await(10, TimeUnit.SECONDS);
    closing.add(() -> gateway.stop().await(30, TimeUnit.SECONDS));
    return gateway.port();
  }

  private MockUpstream answering() throws Exception {
    return upstream().always(json(200, resource(OPENAI_TEXT)));
  }

  private HttpResponse<String> post(int port, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The OpenAI error object of {@code body}, checked for its shape and for what must never be in it. */
  static JsonNode openAiError(String body) {
    JsonNode parsed = Json.parseOrNull(Buffer.buffer(body));
    assertThat(parsed).as(body).isNotNull();
    JsonNode error = parsed.path("error");
    assertThat(error.path("message").isTextual()).as(body).isTrue();
    assertThat(error.path("type").isTextual()).as(body).isTrue();
    assertThat(error.has("param") && error.has("code")).as(body).isTrue();
    assertThat(body).doesNotContain("Exception").doesNotContain("com.fasterxml").doesNotContain("\tat ")
        .doesNotContain(KEY).doesNotContain("sk-upstream-secret");
    return error;
  }

  private void assertServes(int port, String... headers) throws Exception {
    List<String> all = new ArrayList<>(List.of("content-type", "application/json"));
    all.addAll(List.of(headers));
    HttpResponse<String> r = post(port, CHAT, all.toArray(String[]::new));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  // ---- 1. an open relay ----

  @Test
  void aMasterKeyIsRequiredOnEveryApiRouteAndNeverEchoed() throws Exception {
    MockUpstream upstream = answering();
    int port = start(upstream, "master_key: " + KEY, Map.of());

    HttpResponse<String> missing = post(port, CHAT, "content-type", "application/json");
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(openAiError(missing.body()).path("code").asText()).isEqualTo("invalid_api_key");
    assertThat(missing.headers().firstValue("www-authenticate")).contains("Bearer");
    HttpResponse<String> wrong = post(port, CHAT, "content-type", "application/json",
        "authorization", "Bearer " + KEY + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(KEY);
    for (String path : List.of("/v1/models", "/models", "/v1/models/gpt-4o", "/v1/unknown")) {
      assertThat(get(port, path).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(upstream.received()).isEmpty();

    assertServes(port, "authorization", "Bearer " + KEY);
    assertServes(port, "authorization", "bearer " + KEY);
    assertServes(port, "x-api-key", KEY);  // the Anthropic SDK's header
    assertThat(get(port, "/v1/models", "authorization", "Bearer " + KEY).statusCode()).isEqualTo(200);
    for (String path : List.of("/health", "/livez", "/readyz", "/health/readiness", "/health/liveliness")) {
      assertThat(get(port, path).statusCode()).as("%s is open to probes", path).isEqualTo(200);
    }
    // The client's key is the gateway's, never the provider's: it is not forwarded.
    assertThat(upstream.received()).allSatisfy(r -> {
      assertThat(r.headers().get("authorization")).isEqualTo("Bearer sk-upstream-secret");
      assertThat(r.headers().get("x-api-key")).isNull();
    });
  }

  @Test
  void anAddressGuessingKeysIsThrottledRightKeyOrNot() throws Exception {
    int port = start(answering(), "master_key: " + KEY, Map.of());
    for (int i = 0; i < 20; i++) {
      assertThat(post(port, CHAT, "content-type", "application/json", "authorization", "Bearer guess-" + i)
          .statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = post(port, CHAT, "content-type", "application/json",
        "authorization", "Bearer " + KEY);
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(openAiError(throttled.body()).path("code").asText()).isEqualTo("too_many_failed_attempts");
    assertThat(Long.parseLong(throttled.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
  }

  @Test
  void withoutAKeyTheGatewayServesThisMachineOnly() throws Exception {
    // No key: the default listener is loopback, and another interface is refused unless explicitly allowed.
    assertThat(ConfigLoader.parse("providers: [{key: m, provider: mock}]", Map.of()).server().host())
        .isEqualTo("127.0.0.1");
    assertThat(ConfigLoader.parse("providers: [{key: m, provider: mock}]", Map.of("MASTER_KEY", KEY)).server()
        .host()).isEqualTo("0.0.0.0");
    String exposed = "server: {port: 0, host: 0.0.0.0}\nproviders: [{key: m, provider: mock}]";
    assertThatThrownBy(() -> GatewayServer.start(ConfigLoader.parse(exposed, Map.of())).await(10, TimeUnit.SECONDS))
        .hasMessageContaining("refusing to listen on 0.0.0.0 without client authentication")
        .hasMessageContaining("MASTER_KEY").hasMessageContaining("ALLOW_UNAUTHENTICATED_PROXY");
    GatewayServer allowed = GatewayServer.start(ConfigLoader.parse(exposed,
        Map.of("ALLOW_UNAUTHENTICATED_PROXY", "true"))).await(10, TimeUnit.SECONDS);
    allowed.stop().await(10, TimeUnit.SECONDS);
    GatewayServer keyed = GatewayServer.start(ConfigLoader.parse(exposed, Map.of("MASTER_KEY", KEY)))
        .await(10, TimeUnit.SECONDS);
    keyed.stop().await(10, TimeUnit.SECONDS);
    // Production refuses the opt-out, and a CORS "*", which matches no browser origin.
    assertThatThrownBy(() -> ConfigLoader.parse(exposed, Map.of("ALLOW_UNAUTHENTICATED_PROXY", "true",
        "GATEWAY_ENV", "production")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ALLOW_UNAUTHENTICATED_PROXY");
    assertThatThrownBy(() -> ConfigLoader.parse(exposed, Map.of("MASTER_KEY", KEY, "CORS_ORIGINS", "*",
        "GATEWAY_ENV", "production")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("CORS_ORIGINS");
  }

  @Test
  void aLiteLlmConfigsMasterKeyAuthenticatesClients() throws Exception {
    MockUpstream upstream = answering();
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: gpt-4o
            litellm_params: {model: openai/gpt-4o, api_key: sk-upstream-secret, api_base: "%s/v1"}
        general_settings:
          master_key: os.environ/LITELLM_MASTER_KEY
        """.formatted(upstream.url()), Map.of("LITELLM_MASTER_KEY", KEY));
    GatewayServer gateway = GatewayServer.start(config.withServer(config.server().withListener("127.0.0.1", 0)))
        .await(10, TimeUnit.SECONDS);
    closing.add(() -> gateway.stop().await(10, TimeUnit.SECONDS));
    assertThat(post(gateway.port(), CHAT, "content-type", "application/json").statusCode()).isEqualTo(401);
    assertServes(gateway.port(), "authorization", "Bearer " + KEY);
  }

  // ---- cross-origin pages, DNS rebinding, non-JSON bodies ----

  @Test
  void aPageOnAnotherOriginCannotSpendTheKeys() throws Exception {
    MockUpstream upstream = answering();
    int port = start(upstream, "cors_origins: [\"https://app.example.com\"]", Map.of());
    // The "simple" requests a page may send without asking first: each content type, and none.
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
      HttpResponse<String> r = post(port, CHAT, "content-type", type);
      assertThat(r.statusCode()).as(type).isEqualTo(415);
      assertThat(openAiError(r.body()).path("code").asText()).isEqualTo("unsupported_media_type");
      HttpResponse<String> fromPage = post(port, CHAT, "content-type", type, "origin", "https://evil.example");
      assertThat(fromPage.statusCode()).as(type).isEqualTo(403);
      assertThat(openAiError(fromPage.body()).path("code").asText()).isEqualTo("origin_not_allowed");
    }
    HttpResponse<String> untyped = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(untyped.statusCode()).isEqualTo(415);
    HttpResponse<String> jsonFromPage = post(port, CHAT, "content-type", "application/json",
        "origin", "https://evil.example");
    assertThat(jsonFromPage.statusCode()).isEqualTo(403);
    assertThat(jsonFromPage.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(upstream.received()).as("no page's request reached a provider").isEmpty();

    // Preflights are answered 204, with the CORS headers only for a listed origin.
    HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v1/chat/completions")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("origin", "https://evil.example").header("access-control-request-method", "POST").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(204);
    assertThat(denied.headers().firstValue("access-control-allow-origin")).isEmpty();
    HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v1/chat/completions")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("origin", "https://app.example.com").header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).contains("https://app.example.com");
    assertThat(preflight.headers().firstValue("access-control-allow-headers")).contains("authorization, content-type");
    HttpResponse<String> listed = post(port, CHAT, "content-type", "application/json",
        "origin", "https://app.example.com");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.headers().firstValue("access-control-allow-origin")).contains("https://app.example.com");
    assertThat(listed.headers().firstValue("access-control-expose-headers").orElseThrow()).contains("x-request-id");
  }

  @Test
  void aRebindingPageIsRefusedByItsHostName() throws Exception {
    MockUpstream upstream = answering();
    int port = start(upstream, "", Map.of());
    for (String host : List.of("evil.example", "evil.example:" + port, "127.0.0.1.evil.example", "2130706433x")) {
      RawAnswer r = RawAnswer.exchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host
          + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + CHAT.length()
          + "\r\n\r\n" + CHAT);
      assertThat(r.status()).as(host).isEqualTo(403);
      assertThat(openAiError(r.body()).path("code").asText()).isEqualTo("host_not_allowed");
    }
    assertThat(upstream.received()).isEmpty();
    for (String host : List.of("localhost:" + port, "127.0.0.1", "[::1]:" + port, "api.localhost")) {
      RawAnswer r = RawAnswer.exchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host
          + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + CHAT.length()
          + "\r\n\r\n" + CHAT);
      assertThat(r.status()).as(host).isEqualTo(200);
    }
    // Probes name the pod's address: health routes are served under any name.
    assertThat(RawAnswer.exchange(port, "GET /readyz HTTP/1.1\r\nHost: 10.1.2.3\r\nConnection: close\r\n\r\n")
        .status()).isEqualTo(200);
    // With a key, any name is served unless server.allowed_hosts lists them.
    int keyed = start(answering(), "master_key: " + KEY + ", allowed_hosts: [gateway.internal]", Map.of());
    assertThat(RawAnswer.exchange(keyed, "GET /v1/models HTTP/1.1\r\nHost: gateway.internal\r\nAuthorization: Bearer "
        + KEY + "\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);
    assertThat(RawAnswer.exchange(keyed, "GET /v1/models HTTP/1.1\r\nHost: other.internal\r\nAuthorization: Bearer "
        + KEY + "\r\nConnection: close\r\n\r\n").status()).isEqualTo(403);
  }

  // ---- 2. bodies that lie, 3. clients that stall ----

  @Test
  void aDeclaredLengthReservesNothingAndAStalledBodyTimesOut() throws Exception {
    MockUpstream upstream = answering();
    int port = start(upstream, "body_timeout: 1s", Map.of());
    List<Socket> liars = new ArrayList<>();
    try {
      for (int i = 0; i < 30; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            + "application/json\r\nContent-Length: 10000000\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
        liars.add(s);
      }
      for (Socket s : liars) {
        RawAnswer r = RawAnswer.read(s, Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(408);
        assertThat(openAiError(r.body()).path("code").asText()).isEqualTo("request_timeout");
        assertThat(r.closed()).as("the connection is closed after the 408").isTrue();
      }
    } finally {
      for (Socket s : liars) {
        s.close();
      }
    }
    assertThat(upstream.received()).isEmpty();
    assertServes(port);
  }

  @Test
  void silentSlowAndIdleConnectionsAreClosedButASlowAnswerIsNot() throws Exception {
    MockUpstream upstream = upstream();
    // The upstream takes 3 s: longer than every client-side timer, which must not cut a request in flight.
    upstream.always((req, body) -> io.vertx.core.Vertx.currentContext().owner().setTimer(3000,
        id -> json(200, resource(OPENAI_TEXT)).accept(req, body)));
    int port = start(upstream, "header_timeout: 1s, keep_alive_timeout: 1s", Map.of());
    try (Socket silent = new Socket("127.0.0.1", port);
        Socket slowloris = new Socket("127.0.0.1", port);
        Socket idle = new Socket("127.0.0.1", port)) {
      // One header byte every 100 ms: the head is never finished.
      OutputStream out = slowloris.getOutputStream();
      out.write("POST /v1/chat/completions HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      idle.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(RawAnswer.readOne(idle, Duration.ofSeconds(10)).status()).isEqualTo(200);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      boolean slowlorisClosed = false;
      while (!slowlorisClosed && System.nanoTime() < deadline) {
        try {
          out.write('x');
          out.flush();
          Thread.sleep(100);
        } catch (IOException closed) {
          slowlorisClosed = true;
        }
      }
      assertThat(slowlorisClosed).as("a head sent a byte at a time is cut off").isTrue();
      assertThat(RawAnswer.read(silent, Duration.ofSeconds(20)).closed()).as("a silent connection is closed").isTrue();
      assertThat(RawAnswer.read(idle, Duration.ofSeconds(20)).closed()).as("an idle keep-alive is closed").isTrue();
    }
    // 3 s of waiting for the upstream, well past the 1 s timers.
    HttpResponse<String> slow = post(port, CHAT, "content-type", "application/json");
    assertThat(slow.statusCode()).isEqualTo(200);
  }

  @Test
  void connectionsPastTheCapAreRefusedCleanly() throws Exception {
    int port = start(answering(), "max_connections: 8", Map.of());
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(RawAnswer.readOne(s, Duration.ofSeconds(10)).status()).isEqualTo(200);
        held.add(s);
      }
      RawAnswer refused = RawAnswer.exchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(openAiError(refused.body()).path("code").asText()).isEqualTo("too_many_connections");
      assertThat(refused.closed()).isTrue();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // Closed connections give their places back.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int status = 0;
    while (status != 200 && System.nanoTime() < deadline) {
      status = post(port, CHAT, "content-type", "application/json").statusCode();
    }
    assertThat(status).isEqualTo(200);
  }

  @Test
  void aClientThatLeavesIsNoLongerInFlight() throws Exception {
    MockUpstream upstream = upstream().always(MockUpstream.hang());
    String yaml = "server: {port: 0, host: 127.0.0.1, event_loops: 2, shutdown_timeout: 60s}\nproviders: [{key: a, "
        + "provider: openai, api_key: sk-upstream-secret, base_url: \"" + upstream.url() + "/v1\"}]\n";
    GatewayServer gateway = GatewayServer.start(ConfigLoader.parse(yaml, Map.of())).await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) {
      try (Socket s = new Socket("127.0.0.1", gateway.port())) {
        s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            + "application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT)
            .getBytes(StandardCharsets.US_ASCII));
        int sent = i + 1;
        FaultInjectionE2eTest.awaitTrue(Duration.ofSeconds(10), () -> upstream.received().size() == sent);
      }
    }
    // Nothing is left to wait for: the stop does not sit out the 60 s shutdown timeout.
    long start = System.nanoTime();
    gateway.stop().await(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  // ---- 8. oversized heads, answered in the OpenAI shape ----

  @Test
  void oversizedAndMalformedHeadsGetOpenAiShapedAnswers() throws Exception {
    int port = start(answering(), "max_headers: 20, max_header_bytes: 4096", Map.of());
    StringBuilder many = new StringBuilder("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < 30; i++) {
      many.append("x-h").append(i).append(": v\r\n");
    }
    RawAnswer tooMany = RawAnswer.exchange(port, many + "\r\n");
    assertThat(tooMany.status()).isEqualTo(431);
    assertThat(openAiError(tooMany.body()).path("code").asText()).isEqualTo("request_header_fields_too_large");

    // The same name repeated counts once per field.
    RawAnswer repeated = RawAnswer.exchange(port, "GET /v1/models HTTP/1.1\r\nHost: localhost\r\n"
        + "x-same: v\r\n".repeat(30) + "\r\n");
    assertThat(repeated.status()).isEqualTo(431);

    RawAnswer tooBig = RawAnswer.exchange(port, "GET /v1/models HTTP/1.1\r\nHost: localhost\r\nx-big: "
        + "a".repeat(8000) + "\r\n\r\n");
    assertThat(tooBig.status()).isEqualTo(431);
    openAiError(tooBig.body());

    RawAnswer longLine = RawAnswer.exchange(port, "GET /v1/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(longLine.status()).isEqualTo(414);
    openAiError(longLine.body());

    RawAnswer badLength = RawAnswer.exchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nContent-Length: twelve\r\n\r\n{}");
    assertThat(badLength.status()).isEqualTo(400);
    openAiError(badLength.body());
    assertServes(port);
  }

  // ---- 4. control characters in what reaches a header, and 8. long values ----

  @Test
  void everyControlCharacterInAModelOrUserIsRefusedBeforeAnyUpstreamCall() throws Exception {
    MockUpstream upstream = answering();
    int port = start(upstream, "", Map.of());
    List<Integer> controls = new ArrayList<>();
    for (int c = 0; c < 0x20; c++) {
      controls.add(c);
    }
    controls.addAll(List.of(0x7f, 0x80, 0x85, 0x9f));
    for (int c : controls) {
      String escaped = String.format("\\u%04x", c);
      for (String field : List.of("model", "user")) {
        String body = field.equals("model")
            ? "{\"model\":\"gpt-4o" + escaped + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"
            : "{\"model\":\"gpt-4o\",\"user\":\"alice" + escaped + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        HttpResponse<String> r = post(port, body, "content-type", "application/json");
        assertThat(r.statusCode()).as("%s with U+%04X", field, c).isEqualTo(400);
        JsonNode e = openAiError(r.body());
        assertThat(e.path("param").asText()).isEqualTo(field);
        assertThat(e.path("message").asText()).contains(String.format("U+%04X", c));
      }
      HttpResponse<String> meta = post(port, CHAT, "content-type", "application/json",
          "x-switchboard-metadata", "{\"team\":\"a" + escaped + "\"}");
      assertThat(meta.statusCode()).as("metadata with U+%04X", c).isEqualTo(400);
      assertThat(openAiError(meta.body()).path("code").asText()).isEqualTo("invalid_metadata");
    }
    // The end-user header keys rate limits and budgets: a control character or a huge value is refused too.
    RawAnswer controlUser = RawAnswer.exchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nx-switchboard-user: al\u0001ice\r\nConnection: close\r\n"
        + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
    assertThat(controlUser.status()).isIn(400);
    HttpResponse<String> longUser = post(port, CHAT, "content-type", "application/json",
        "x-switchboard-user", "u".repeat(5000));
    assertThat(longUser.statusCode()).isEqualTo(400);
    assertThat(openAiError(longUser.body()).path("param").asText()).isEqualTo("x-switchboard-user");
    assertThat(upstream.received()).as("no refused request was sent upstream (and billed)").isEmpty();

    String huge = "m".repeat(1_000_000);
    HttpResponse<String> longModel = post(port, "{\"model\":\"" + huge + "\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"x\"}]}", "content-type", "application/json");
    assertThat(longModel.statusCode()).isEqualTo(400);
    assertThat(longModel.body().length()).as("a 1 MB model name is not echoed").isLessThan(400);
    HttpResponse<String> longPath = get(port, "/v1/" + "p".repeat(4000));
    assertThat(longPath.statusCode()).isEqualTo(404);
    assertThat(longPath.body().length()).isLessThan(600);

    // A name outside ASCII is legal: it reaches the upstream, and the routing header carries it encoded.
    HttpResponse<String> accented = post(port, "{\"model\":\"modèle-ü\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"x\"}]}", "content-type", "application/json");
    assertThat(accented.statusCode()).isEqualTo(200);
    assertThat(accented.headers().firstValue("x-switchboard-model")).contains("mod%C3%A8le-%C3%BC");
    assertServes(port);
  }

  @Test
  void jsonErrorsNameNoParserInternals() throws Exception {
    int port = start(answering(), "", Map.of());
    Map<String, String> bodies = new HashMap<>();
    bodies.put("deep", "[".repeat(2000));
    bodies.put("long number", "{\"model\":\"gpt-4o\",\"n\":" + "9".repeat(2000) + "}");
    bodies.put("truncated", "{\"model\": \"gpt-4o\", \"messages\": [");
    bodies.put("nul", "{\"model\":\"gpt\u0000\"}");
    bodies.put("not utf-8", "{\"model\":\"\u00ff\u00fe\"}");
    for (Map.Entry<String, String> e : bodies.entrySet()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/v1/chat/completions")).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(e.getValue().getBytes(e.getKey().equals("not utf-8")
              ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      JsonNode error = openAiError(r.body());
      assertThat(error.path("message").asText()).as(e.getKey()).doesNotContain("`").doesNotContain("Constraints")
          .doesNotContain("Source:");
    }
  }

  /** A raw HTTP/1.1 exchange: what a client that is not a well-behaved library would see. */
  record RawAnswer(int status, String body, boolean closed) {
    static RawAnswer exchange(int port, String request) throws IOException {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return read(s, Duration.ofSeconds(20));
      }
    }

    /** Reads until the server closes the connection (or {@code within} passes: then {@code closed} is false). */
    static RawAnswer read(Socket s, Duration within) throws IOException {
      s.setSoTimeout((int) within.toMillis());
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      boolean closed = false;
      try {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          all.write(buffer, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (IOException reset) {
        closed = true;
      }
      return parse(all.toString(StandardCharsets.ISO_8859_1), closed);
    }

    /** Reads one answer with a content-length from a connection that stays open. */
    static RawAnswer readOne(Socket s, Duration within) throws IOException {
      s.setSoTimeout((int) within.toMillis());
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          return parse(all.toString(StandardCharsets.ISO_8859_1), true);
        }
        all.write(b);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
          int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
          if (all.size() >= headEnd + 4 + length) {
            return parse(text, false);
          }
        }
      }
    }

    private static RawAnswer parse(String text, boolean closed) {
      if (text.isEmpty()) {
        return new RawAnswer(0, "", closed);
      }
      int status = Integer.parseInt(text.substring(9, 12));
      int headEnd = text.indexOf("\r\n\r\n");
      return new RawAnswer(status, headEnd < 0 ? "" : text.substring(headEnd + 4), closed);
    }
  }
}
