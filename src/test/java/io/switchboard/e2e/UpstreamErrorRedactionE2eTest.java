package io.switchboard.e2e;

import static io.switchboard.e2e.FaultInjectionE2eTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.api.Json;
import io.switchboard.provider.vertex.TestKeys;
import io.switchboard.routing.RequestExecutor;
import io.switchboard.testing.LogCapture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider kind, behind the real gateway, against an upstream whose error quotes keys of every shape and
 * the provider's own credential: neither the client's error nor any log line carries one of them.
 */
@Timeout(60)
class UpstreamErrorRedactionE2eTest extends E2eResources {
  /** The provider's configured key: of no known shape, so only knowing it masks it. */
  static final String CONFIGURED = "cfg-4711-QwErTyUiOpAsDfGh";
  static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final String VERTEX_TOKEN = "ya29.a0AfH6SMBx-vertex-access-token-4711";
  /** Keys of every known shape, each as an upstream might quote it. */
  static final List<String> SHAPED = List.of(
      "sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWxYz1234567890abcd",
      "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ABCDEFGHIJ",
      "sk-ant-api03-AbCdEf1234567890_ghIJkl-mnOPqrSTuvWX",
      "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
      "xai-AbCdEf1234567890GhIjKlMnOpQrStUv",
      "gsk_AbCdEf1234567890GhIjKlMnOpQrStUvWxYz",
      "AKIAIOSFODNN7EXAMPLE",
      "ASIAY34FZKBOKMUTVV7A",
      "opaqueBearerT0kenValue_123456",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
      "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
      "0123456789abcdef0123456789abcdef",
      "dXNlcjpwYXNzd29yZA==");
  static final String QUOTING = "invalid x-api-key: sk-ant-api03-AbCdEf1234567890_ghIJkl-mnOPqrSTuvWX. Incorrect API"
      + " key provided: sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWxYz1234567890abcd (also sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
      + "ABCDEFGHIJ); URL ?key=AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW; xai-AbCdEf1234567890GhIjKlMnOpQrStUv,"
      + " gsk_AbCdEf1234567890GhIjKlMnOpQrStUvWxYz; Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/bedrock and"
      + " ASIAY34FZKBOKMUTVV7A; header Authorization: Bearer opaqueBearerT0kenValue_123456; session"
      + " eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U;"
      + " hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345 ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
      + " github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz; /v1?api_key=0123456789abcdef0123456789abcdef&x=1;"
      + " {\"authorization\": \"Basic dXNlcjpwYXNzd29yZA==\"}; your credential ";
  static final TestKeys SERVICE_ACCOUNT = new TestKeys();

  /**
   * One provider kind: its providers entry (the fields of a flow mapping, given the mock's URL), the model asked
   * for, the credential it holds (which the upstream quotes too), and how the upstream answers with a message.
   */
  record Case(String name, Function<String, String> provider, String model, String own, Upstream upstream) {
    boolean stream() {
      return upstream instanceof Upstream.Streaming;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** How the mock fails: at once, with {@code message} in its error body, or mid-stream. */
  sealed interface Upstream {
    record Failing(Function<String, BiConsumer<HttpServerRequest, Buffer>> reply) implements Upstream {}

    /**
     * Sends {@code first}, then once the client has seen it, {@code error} in two writes cut inside the first key
     * it quotes, so a gateway that looks at each chunk alone does not see the whole key in either.
     */
    record Streaming(String first, Function<String, String> error) implements Upstream {}
  }

  static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  static String quoted(String message) {
    return Json.string(TextNode.valueOf(message));
  }

  static String openAiError(String message) {
    return "{\"error\":{\"message\":" + quoted(message) + ",\"type\":\"invalid_request_error\",\"param\":null,"
        + "\"code\":\"invalid_api_key\"}}";
  }

  static String anthropicError(String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":" + quoted(message)
        + "},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}";
  }

  static String googleError(String message) {
    return "{\"error\":{\"code\":400,\"message\":" + quoted(message) + ",\"status\":\"INVALID_ARGUMENT\",\"details\":[{"
        + "\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":"
        + "\"googleapis.com\",\"metadata\":{\"service\":\"generativelanguage.googleapis.com\"}}]}}";
  }

  static Upstream answer(int status, Function<String, String> body) {
    return new Upstream.Failing(message -> (req, b) -> json(req, status, body.apply(message)));
  }

  static Upstream page(int status) {
    return new Upstream.Failing(message -> (req, b) -> req.response().setStatusCode(status)
        .putHeader("content-type", "text/html").end("<html><body><p>" + message + "</p></body></html>"));
  }

  static Upstream bedrock(String errorType, Function<String, String> body) {
    return new Upstream.Failing(message -> (req, b) -> req.response().setStatusCode(403)
        .putHeader("content-type", "application/json")
        .putHeader("x-amzn-ErrorType", errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .end(body.apply(message)));
  }

  static Function<String, String> provider(String kind) {
    return url -> "key: p, provider: " + kind + ", api_key: " + CONFIGURED + ", base_url: \"" + url + "\"";
  }

  static String vertexProvider(String url) {
    String credentials = SERVICE_ACCOUNT.serviceAccountJson(url + "/token").replace("'", "''");
    return "key: vx, provider: vertex-ai, project: p1, region: us-central1, base_url: \"" + url
        + "\", credentials: '" + credentials + "'";
  }

  static final String ANTHROPIC_FIRST = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
      + "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
      + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
      + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
      + "{\"type\":\"text\",\"text\":\"\"}}\n\n"
      + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
      + "{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n";
  static final String GEMINI_FIRST = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],"
      + "\"role\":\"model\"},\"index\":0}]}\r\n\r\n";

  /** An OpenAI-compatible stream's first two chunks, as their passthrough relays them. */
  static final String OPENAI_FIRST = openAiChunk("Hel") + openAiChunk("lo");

  static String openAiChunk(String content) {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quoted(content) + "},\"finish_reason\":null}]}\n\n";
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("openai", url -> provider("openai").apply(url + "/v1"), "gpt-4o", CONFIGURED,
            answer(401, UpstreamErrorRedactionE2eTest::openAiError)),
        new Case("preset (groq)", url -> provider("groq").apply(url + "/openai/v1"), "llama-3.3-70b-versatile",
            CONFIGURED, answer(401, UpstreamErrorRedactionE2eTest::openAiError)),
        new Case("openai-compatible, an error string", url -> provider("openai-compatible").apply(url + "/v1"), "m",
            CONFIGURED, answer(404, message -> "{\"error\":" + quoted(message) + "}")),
        new Case("openai-compatible, an HTML page", url -> provider("openai-compatible").apply(url + "/v1"), "m",
            CONFIGURED, page(502)),
        new Case("openai, an error in the stream", url -> provider("openai").apply(url + "/v1"), "gpt-4o",
            CONFIGURED, new Upstream.Streaming(OPENAI_FIRST, message -> "data: " + openAiError(message) + "\n\n")),
        new Case("preset (groq), an error event in the stream", url -> provider("groq").apply(url + "/openai/v1"),
            "llama-3.3-70b-versatile", CONFIGURED, new Upstream.Streaming(OPENAI_FIRST.replace("\n", "\r\n"),
                message -> "event: error\r\ndata: " + openAiError(message) + "\r\n\r\n")),
        new Case("openai-compatible, a plain-text error event in the stream",
            url -> provider("openai-compatible").apply(url + "/v1"), "m", CONFIGURED,
            new Upstream.Streaming(OPENAI_FIRST, message -> "event: error\ndata: " + message + "\n\n")),
        new Case("anthropic", provider("anthropic"), "claude-sonnet-4-5", CONFIGURED,
            answer(401, UpstreamErrorRedactionE2eTest::anthropicError)),
        new Case("anthropic, an HTML page", provider("anthropic"), "claude-sonnet-4-5", CONFIGURED, page(403)),
        new Case("anthropic, an error in the stream", provider("anthropic"), "claude-sonnet-4-5", CONFIGURED,
            new Upstream.Streaming(ANTHROPIC_FIRST, message -> "event: error\ndata: {\"type\":\"error\",\"error\":"
                + "{\"type\":\"overloaded_error\",\"message\":" + quoted(message) + "}}\n\n")),
        new Case("gemini", provider("gemini"), "gemini-2.5-pro", CONFIGURED,
            answer(400, UpstreamErrorRedactionE2eTest::googleError)),
        new Case("gemini, an error in the stream", provider("gemini"), "gemini-2.5-pro", CONFIGURED,
            new Upstream.Streaming(GEMINI_FIRST, message -> "data: " + googleError(message) + "\r\n\r\n")),
        new Case("vertex-ai, claude", UpstreamErrorRedactionE2eTest::vertexProvider, "claude-sonnet-4-5@20250929",
            VERTEX_TOKEN, answer(401, UpstreamErrorRedactionE2eTest::anthropicError)),
        new Case("vertex-ai, gemini", UpstreamErrorRedactionE2eTest::vertexProvider, "gemini-2.5-pro", VERTEX_TOKEN,
            answer(403, UpstreamErrorRedactionE2eTest::googleError)),
        new Case("cohere", provider("cohere"), "command-a-03-2025", CONFIGURED,
            answer(401, message -> "{\"id\":\"e1\",\"message\":" + quoted(message) + "}")),
        new Case("azure", provider("azure"), "my-deployment", CONFIGURED, answer(400, message ->
            "{\"error\":{\"message\":" + quoted(message) + ",\"type\":null,\"param\":\"prompt\",\"code\":"
                + "\"content_filter\",\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\",\"detail\":"
                + quoted(message) + "}}}")),
        new Case("azure, a gateway error", provider("azure"), "my-deployment", CONFIGURED,
            answer(401, message -> "{\"statusCode\":401,\"message\":" + quoted(message) + "}")),
        new Case("azure, an error in the stream", provider("azure"), "my-deployment", CONFIGURED,
            new Upstream.Streaming(OPENAI_FIRST, message -> "data: " + openAiError(message) + "\n\n")),
        new Case("bedrock, a bearer key", url -> provider("bedrock").apply(url) + ", region: us-east-1",
            "anthropic.claude-3-5-haiku-20241022-v1:0", CONFIGURED,
            bedrock("AccessDeniedException", message -> "{\"message\":" + quoted(message) + "}")),
        new Case("bedrock, signed", url -> "key: br, provider: bedrock, region: us-east-1, aws_access_key_id: "
            + "AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: \"" + AWS_SECRET + "\", base_url: \"" + url + "\"",
            "anthropic.claude-3-5-haiku-20241022-v1:0", AWS_SECRET,
            bedrock("InvalidSignatureException", message -> "{\"Message\":" + quoted(message) + "}")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void neitherTheClientNorTheLogSeesAKey(Case c) throws Exception {
    String message = QUOTING + c.own() + ".";
    CompletableFuture<Void> clientSawFirst = new CompletableFuture<>();
    NativeMock mock = new NativeMock((req, body) -> {
      if (req.path().equals("/token")) {  // Vertex AI's token exchange
        json(req, 200, "{\"access_token\":\"" + VERTEX_TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
      } else if (c.upstream() instanceof Upstream.Failing f) {
        f.reply().apply(message).accept(req, body);
      } else if (c.upstream() instanceof Upstream.Streaming s) {
        req.response().setChunked(true).putHeader("content-type", "text/event-stream").write(s.first());
        String error = s.error().apply(message);
        int cut = error.indexOf("sk-ant-") + 10;
        clientSawFirst.thenRun(() -> req.response().write(error.substring(0, cut)).compose(v ->
            req.response().end(error.substring(cut))));
      }
    });
    closing.add(mock);
    int port = gateway("providers:\n  - {" + c.provider().apply(mock.url()) + ", models: [\"*\"]}\n");
    List<String> secrets = new ArrayList<>(SHAPED);
    secrets.add(c.own());
    try (LogCapture log = LogCapture.of("ROOT"); HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<Stream<String>> response = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + c.model() + "\",\"stream\":" + c.stream()
              + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofLines());
      StringBuilder body = new StringBuilder();
      response.body().forEach(line -> {
        body.append(line).append('\n');
        if (line.contains("Hel")) {
          clientSawFirst.complete(null);
        }
      });

      if (c.stream()) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body).as("a first chunk, then the error").contains("Hel").contains("\"error\"");
        if (c.upstream() instanceof Upstream.Streaming s && s.first().equals(OPENAI_FIRST)) {
          assertThat(body).as("a passthrough's chunks as they came").startsWith(OPENAI_FIRST);
        }
      } else {
        assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
        String executor = RequestExecutor.class.getName();
        awaitTrue(Duration.ofSeconds(5), () -> logText(log, executor).contains("failed"));
        assertThat(logText(log, executor)).as("the attempt's WARN line").contains("failed").contains("<redacted>");
      }
      assertThat(body).as("what the client got").contains("<redacted>");
      for (String key : secrets) {
        assertThat(body).as("what the client got").doesNotContain(key);
        assertThat(logText(log, null)).as("what was logged").doesNotContain(key);
      }
    }
  }

  /** Everything logged so far (by {@code logger}, or by any), with stack traces. */
  static String logText(LogCapture log, String logger) {
    List<ILoggingEvent> events;
    while (true) {
      try {
        events = new ArrayList<>(log.events());  // appended to from the event loops meanwhile
        break;
      } catch (ConcurrentModificationException retry) {
        // copy again
      }
    }
    return events.stream().filter(e -> logger == null || e.getLoggerName().equals(logger))
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
            : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .collect(Collectors.joining("\n"));
  }
}
