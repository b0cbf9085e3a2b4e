package io.switchboard.e2e;

import static io.switchboard.e2e.FaultInjectionE2eTest.OPENAI_STREAM;
import static io.switchboard.e2e.FaultInjectionE2eTest.OPENAI_TEXT;
import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.rawEvents;
import static io.switchboard.e2e.MockUpstream.resource;
import static io.switchboard.e2e.MockUpstream.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.server.GatewayServer;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and broken request bodies against the running gateway: whatever a client sends, the answer comes within
 * the client's timeout, is never a 500, and is either a success or an OpenAI-shaped error; the gateway keeps
 * serving after all of it.
 */
class RequestFuzzE2eTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 413, 415, 422);
  private static MockUpstream upstream;
  private static GatewayServer gateway;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeContainer
  static void start() throws Exception {
    upstream = new MockUpstream();
    String text = resource(OPENAI_TEXT);
    List<String> events = rawEvents(resource(OPENAI_STREAM));
    upstream.always((req, body) -> {
      JsonNode parsed = Json.parseOrNull(body);
      if (parsed != null && parsed.path("stream").asBoolean(false)) {
        sse(events).accept(req, body);
      } else {
        json(200, text).accept(req, body);
      }
    });
    gateway = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 2, max_body_bytes: 65536}
        providers:
          - {key: a, provider: openai, api_key: sk-upstream-secret, base_url: "%s/v1", models: ["*"]}
          - {key: m, provider: mock, models: [mock-gpt]}
        """.formatted(upstream.url()), Map.of())).await(10, TimeUnit.SECONDS);
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as("healthy after the fuzzing").isEqualTo(200);
      HttpResponse<String> chat = send("/v1/chat/completions", "application/json",
          "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}".getBytes(StandardCharsets.UTF_8));
      assertThat(chat.statusCode()).isEqualTo(200);
    } finally {
      gateway.stop().await(20, TimeUnit.SECONDS);
      upstream.close();
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + gateway.port();
  }

  private static HttpResponse<String> send(String path, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
        .timeout(Duration.ofSeconds(15))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("content-type", contentType);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Property(tries = 300)
  void anyBodyGetsAnAnswerThatIsNeverA500(@ForAll("bodies") byte[] body, @ForAll("paths") String path)
      throws Exception {
    HttpResponse<String> r = send(path, "application/json", body);
    assertThat(EXPECTED).as("status %d for %s: %s", r.statusCode(), new String(body, StandardCharsets.UTF_8),
        r.body()).contains(r.statusCode());
    if (r.statusCode() != 200) {
      JsonNode error = Json.parseOrNull(Buffer.buffer(r.body()));
      assertThat(error).as(r.body()).isNotNull();
      assertThat(error.path("error").path("message").isTextual()).as(r.body()).isTrue();
      assertThat(error.path("error").path("type").isTextual()).as(r.body()).isTrue();
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("com.fasterxml").doesNotContain("\tat ");
      assertThat(r.body().length()).as("errors stay short whatever the input").isLessThan(2048);
    }
  }

  @Property(tries = 60)
  void aNonJsonContentTypeIsRefusedWhateverTheBody(@ForAll("bodies") byte[] body,
      @ForAll("nonJsonTypes") String contentType) throws Exception {
    HttpResponse<String> r = send("/v1/chat/completions", contentType.isEmpty() ? null : contentType, body);
    assertThat(r.statusCode()).isEqualTo(415);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("/v1/chat/completions", "/chat/completions", "/v1/completions", "/v1/embeddings");
  }

  @Provide
  Arbitrary<String> nonJsonTypes() {
    return Arbitraries.of("", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/xml", "json");
  }

  /** Requests that are nearly right, then possibly broken at the byte level. */
  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> valid = requests().map(n -> Json.string(n).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(valid, valid.flatMap(RequestFuzzE2eTest::mutated),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
  }

  private static Arbitrary<byte[]> mutated(byte[] bytes) {
    if (bytes.length == 0) {
      return Arbitraries.just(bytes);
    }
    Arbitrary<Integer> at = Arbitraries.integers().between(0, bytes.length - 1);
    Arbitrary<Byte> any = Arbitraries.bytes();
    Arbitrary<byte[]> truncated = at.map(i -> java.util.Arrays.copyOf(bytes, i));
    Arbitrary<byte[]> replaced = Combinators.combine(at, any).as((i, b) -> {
      byte[] copy = bytes.clone();
      copy[i] = b;
      return copy;
    });
    Arbitrary<byte[]> inserted = Combinators.combine(at, any).as((i, b) -> {
      byte[] copy = new byte[bytes.length + 1];
      System.arraycopy(bytes, 0, copy, 0, i);
      copy[i] = b;
      System.arraycopy(bytes, i, copy, i + 1, bytes.length - i);
      return copy;
    });
    return Arbitraries.oneOf(truncated, replaced, inserted);
  }

  private static Arbitrary<ObjectNode> requests() {
    Arbitrary<JsonNode> model = Arbitraries.oneOf(
        Arbitraries.of("gpt-4o", "gpt-4o-mini", "mock-gpt", "nope").map(NODES::textNode),
        strings().map(NODES::textNode),
        values());
    Arbitrary<JsonNode> messages = Arbitraries.oneOf(
        message().list().ofMaxSize(4).map(l -> {
          ArrayNode a = NODES.arrayNode();
          l.forEach(a::add);
          return (JsonNode) a;
        }),
        values());
    Arbitrary<JsonNode> stream = Arbitraries.oneOf(Arbitraries.of(true, false).map(NODES::booleanNode), values());
    Arbitrary<Map<String, JsonNode>> extra = Arbitraries.maps(Arbitraries.of("temperature", "max_tokens", "user",
        "tools", "stream_options", "input", "prompt", "response_format", "n", "metadata", "seed"), values())
        .ofMaxSize(4);
    return Combinators.combine(model, messages, stream, extra, Arbitraries.integers().between(0, 7))
        .as((m, msgs, s, x, leaveOut) -> {
          ObjectNode body = NODES.objectNode();
          if ((leaveOut & 1) == 0) {
            body.set("model", m);
          }
          if ((leaveOut & 2) == 0) {
            body.set("messages", msgs);
          }
          if ((leaveOut & 4) == 0) {
            body.set("stream", s);
          }
          body.put("input", "text");
          body.put("prompt", "text");
          x.forEach(body::set);
          return body;
        });
  }

  private static Arbitrary<JsonNode> message() {
    return Combinators.combine(Arbitraries.of("user", "system", "assistant", "tool", "developer", "bogus"),
        Arbitraries.oneOf(strings().map(NODES::textNode), values()))
        .as((role, content) -> NODES.objectNode().put("role", role).set("content", content));
  }

  /** Any text, with control characters and the Latin-1 range made common (they are what breaks headers and logs). */
  private static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(12),
        Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(2).map(c -> "gpt-4o" + c));
  }

  private static Arbitrary<JsonNode> values() {
    return Arbitraries.oneOf(
        strings().map(NODES::textNode),
        Arbitraries.integers().map(NODES::numberNode),
        Arbitraries.doubles().map(NODES::numberNode),
        Arbitraries.of(true, false).map(NODES::booleanNode),
        Arbitraries.just(NODES.nullNode()),
        strings().list().ofMaxSize(3).map(l -> {
          ArrayNode a = NODES.arrayNode();
          l.forEach(a::add);
          return a;
        }),
        strings().map(s -> NODES.objectNode().put("k", s)));
  }
}
