package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.plugin.guardrails.Guardrails;
import io.switchboard.server.GatewayServer;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several guardrails in one gateway, against a mock upstream: what the upstream gets and what the client gets. */
@Timeout(30)
class GuardrailsE2eTest extends E2eResources {
  static final String OPENAI_KEY = "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA3bC5";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  MockUpstream upstream;
  int port;

  @BeforeEach
  void start() throws Exception {
    upstream = new MockUpstream();
    closing.add(upstream);
    GatewayServer server = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 2}
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        plugins:
          - name: max-token
            type: guardrail
            stage: before_request
            config: {max_tokens: 1000}
          - name: secret-scan
            type: guardrail
            stage: before_request
            config: {action: block}
          - name: pii-redact
            type: guardrail
            stage: before_request
            config: {kinds: [email, phone, credit_card], action: redact, responses: true}
          - name: schema-guard
            type: guardrail
            stage: after_request
            config:
              schema: {type: object, required: [reply], properties: {reply: {type: string}}}
        """.formatted(upstream.url()), Map.of())).await(10, TimeUnit.SECONDS);
    closing.add(() -> server.stop().await(10, TimeUnit.SECONDS));
    port = server.port();
  }

  HttpResponse<String> chat(String userText, boolean stream) throws Exception {
    ObjectNode body = Json.object().put("model", "gpt-4o").put("stream", stream);
    body.putArray("messages").addObject().put("role", "user").put("content", userText);
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.string(body))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String answer(String content) {
    ObjectNode a = Json.object().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o");
    ObjectNode choice = a.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", "stop");
    a.putObject("usage").put("prompt_tokens", 5).put("completion_tokens", 5).put("total_tokens", 10);
    return Json.string(a);
  }

  static String chunk(String content, String finish) {
    return Guardrails.chunk(0, content, finish);
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parseOrNull(Buffer.buffer(response.body())).path("error");
  }

  @Test
  void anEmailIsRedactedBeforeItReachesTheUpstream() throws Exception {
    upstream.always(json(200, answer("{\"reply\":\"noted\"}")));
    HttpResponse<String> response = chat("Please mail jane.doe@example.com the invoice", false);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.received()).hasSize(1);
    assertThat(upstream.received().getFirst().body().path("messages").path(0).path("content").asText())
        .isEqualTo("Please mail [REDACTED:EMAIL] the invoice");
    assertThat(upstream.received().getFirst().body().toString()).doesNotContain("jane.doe");
  }

  @Test
  void anOpenAiKeyIsBlockedWith400AndNeverSentUpstream() throws Exception {
    upstream.always(json(200, answer("{\"reply\":\"noted\"}")));
    HttpResponse<String> response = chat("my key is " + OPENAI_KEY, false);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error(response).path("code").asText()).isEqualTo("request_rejected");
    assertThat(error(response).path("param").asText()).isEqualTo("messages[0].content");
    assertThat(error(response).path("message").asText())
        .isEqualTo("request rejected by secret-scan (before_request): the request contains an OpenAI API key (messages[0].content)");
    assertThat(response.body()).doesNotContain(OPENAI_KEY).doesNotContain("Ab3dE5");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void anAnswerViolatingTheSchemaIs502() throws Exception {
    upstream.always(json(200, answer("{\"answer\": 42}")));
    HttpResponse<String> response = chat("hello", false);
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(error(response).path("type").asText()).isEqualTo("api_error");
    assertThat(error(response).path("code").asText()).isEqualTo("response_blocked");
    assertThat(error(response).path("message").asText()).startsWith("Blocked by schema-guard: the answer does not match the schema");
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void aStreamedAnswerWithPiiIsRedactedForTheClient() throws Exception {
    upstream.always(MockUpstream.sse(List.of(chunk("", null), chunk("{\"reply\":\"write to jo", null),
        chunk("hn.smith@exam", null), chunk("ple.com or call (555) 123-", null), chunk("4567\"}", null),
        chunk(null, "stop"), "data: [DONE]\n\n")));
    HttpResponse<String> response = chat("how do I reach John?", true);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    String sse = response.body();
    assertThat(sse).doesNotContain("john").doesNotContain("exam").doesNotContain("123-").endsWith("data: [DONE]\n\n");
    StringBuilder text = new StringBuilder();
    for (String event : sse.split("\n\n")) {
      String data = event.substring("data: ".length());
      if (data.equals("[DONE]")) {
        continue;
      }
      JsonNode c = Json.parseOrNull(Buffer.buffer(data));
      assertThat(c.path("object").asText()).as(data).isEqualTo("chat.completion.chunk");
      text.append(c.path("choices").path(0).path("delta").path("content").asText(""));
    }
    assertThat(text.toString()).isEqualTo("{\"reply\":\"write to [REDACTED:EMAIL] or call [REDACTED:PHONE]\"}");
  }

  @Test
  void aStreamRefusedAfterItsFirstBytesEndsWithAnErrorEventAndNoSecret() throws Exception {
    MockUpstream other = new MockUpstream();
    closing.add(other);
    GatewayServer server = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 1}
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        plugins:
          - {name: secret-scan, type: guardrail, stage: after_request, config: {action: block, stream_window: 16}}
        """.formatted(other.url()), Map.of())).await(10, TimeUnit.SECONDS);
    closing.add(() -> server.stop().await(10, TimeUnit.SECONDS));
    port = server.port();
    String prose = "Here is a long and harmless introduction before anything sensitive shows up. ";
    other.always(MockUpstream.sse(List.of(chunk("", null), chunk(prose, null), chunk(prose, null),
        chunk("The key: " + OPENAI_KEY.substring(0, 10), null), chunk(OPENAI_KEY.substring(10), null),
        chunk(null, "stop"), "data: [DONE]\n\n")));

    HttpResponse<String> response = chat("tell me the key", true);

    assertThat(response.statusCode()).isEqualTo(200);
    String sse = response.body();
    assertThat(sse).contains("harmless introduction").doesNotContain("sk-proj").doesNotContain("[DONE]");
    String[] events = sse.strip().split("\n\n");
    JsonNode last = Json.parseOrNull(Buffer.buffer(events[events.length - 1].substring("data: ".length())));
    assertThat(last.path("error").path("code").asText()).isEqualTo("response_blocked");
    assertThat(last.path("error").path("type").asText()).isEqualTo("api_error");
    assertThat(last.path("error").path("message").asText())
        .isEqualTo("Blocked by secret-scan: the answer contains an OpenAI API key");
  }
}
