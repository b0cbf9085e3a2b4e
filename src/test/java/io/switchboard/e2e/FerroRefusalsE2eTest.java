package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.plugin.Exchange;
import io.switchboard.server.GatewayServer;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway loaded with plugins as Ferro 1.5.9 writes them (one entry per stage, type as a label), answering
 * refusals as the ferrogw binary answers them. The Ferro bodies quoted here were taken from ferrogw 1.5.9
 * serving the same plugins against a mock upstream.
 */
@Timeout(30)
class FerroRefusalsE2eTest extends E2eResources {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  MockUpstream upstream;
  int port;

  @BeforeEach
  void start() throws Exception {
    upstream = new MockUpstream();
    closing.add(upstream);
    upstream.always(json(200, """
        {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":"hello there"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}}"""));
    GatewayServer server = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 1}
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        plugins:
          - {name: word-filter, type: guardrail, stage: before_request, enabled: true,
             config: {blocked_words: [forbidden], case_sensitive: false}}
          - {name: max-token, type: guardrail, stage: before_request, enabled: true,
             config: {max_tokens: 10, max_messages: 3, max_input_length: 0}}
          - {name: rate-limit, type: guardrail, stage: before_request, enabled: true, config: {user_rpm: 1}}
          - {name: budget, type: guardrail, stage: before_request, enabled: true,
             config: {store_id: default, spend_limit_usd: 0.001, input_per_m_tokens: 1, output_per_m_tokens: 1}}
          - {name: budget, type: guardrail, stage: after_request, enabled: true,
             config: {store_id: default, spend_limit_usd: 0.001, input_per_m_tokens: 1, output_per_m_tokens: 1}}
        """.formatted(upstream.url()), Map.of())).await(10, TimeUnit.SECONDS);
    closing.add(() -> server.stop().await(10, TimeUnit.SECONDS));
    port = server.port();
  }

  HttpResponse<String> chat(String key, String user, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("content-type", "application/json").header("authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      request.header(Exchange.USER_HEADER, user);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String say(String text) {
    ObjectNode body = Json.object().put("model", "gpt-4o-mini");
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    return Json.string(body);
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parseOrNull(Buffer.buffer(response.body())).path("error");
  }

  static void assertError(HttpResponse<String> r, int status, String type, String code, String messageStart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(error(r).path("type").asText()).isEqualTo(type);
    assertThat(error(r).path("code").asText()).isEqualTo(code);
    assertThat(error(r).path("message").asText()).startsWith(messageStart);
  }

  @Test
  void aBlockedWordIsFerros400RequestRejected() throws Exception {
    // ferrogw: {"error":{"code":"request_rejected","message":"request rejected by word-filter (before_request):
    // request blocked by content policy","type":"invalid_request_error"}}. The reason after the colon is
    // Switchboard's own: it says where, never which word.
    HttpResponse<String> r = chat("sk-1", null, say("say FORBIDDEN now"));
    assertError(r, 400, "invalid_request_error", "request_rejected", "request rejected by word-filter (before_request): ");
    assertThat(error(r).path("message").asText()).endsWith("the request contains a blocked word (messages[0].content)");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aCeilingOverMaxTokensIsRefusedWordForWordAsFerro() throws Exception {
    ObjectNode body = (ObjectNode) Json.parseOrNull(Buffer.buffer(say("hi")));
    body.put("max_tokens", 50);
    HttpResponse<String> r = chat("sk-1", null, Json.string(body));
    assertError(r, 400, "invalid_request_error", "request_rejected", "");
    assertThat(error(r).path("message").asText())
        .isEqualTo("request rejected by max-token (before_request): max_tokens 50 exceeds limit of 10");
    HttpResponse<String> many = chat("sk-1", null, Json.string(Json.parseOrNull(Buffer.buffer("""
        {"model":"gpt-4o-mini","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},
         {"role":"user","content":"c"},{"role":"user","content":"d"}]}"""))));
    assertThat(error(many).path("message").asText())
        .isEqualTo("request rejected by max-token (before_request): message count 4 exceeds limit of 3");
    // max_input_length: 0 is no limit
    assertThat(chat("sk-1", null, say("x".repeat(50_000))).statusCode()).isEqualTo(200);
  }

  @Test
  void aRateLimitIsFerros429WithRetryAfter() throws Exception {
    assertThat(chat("sk-2", "alice", say("hi")).statusCode()).isEqualTo(200);
    HttpResponse<String> r = chat("sk-3", "alice", say("hi"));
    // ferrogw: 429 {"error":{"code":"rate_limit_exceeded","message":"request rejected by rate-limit
    // (before_request): rate limit exceeded","type":"rate_limit_error"}} with Retry-After.
    assertError(r, 429, "rate_limit_error", "rate_limit_exceeded",
        "request rejected by rate-limit (before_request): rate limit exceeded");
    assertThat(r.headers().firstValue("retry-after")).isPresent();
  }

  @Test
  void aSpentBudgetIsFerros402InsufficientQuota() throws Exception {
    assertThat(chat("sk-4", null, say("hi")).statusCode()).isEqualTo(200);  // $0.002 at the configured prices
    // The cost is counted once the answer is out, a moment after the client has it: ask until refused.
    HttpResponse<String> r = chat("sk-4", null, say("hi"));
    for (int i = 0; i < 50 && r.statusCode() == 200; i++) {
      r = chat("sk-4", null, say("hi"));
    }
    // ferrogw: 402 {"error":{"code":"insufficient_quota","message":"request rejected by budget (before_request):
    // budget exceeded: spent $0.0020 of $0.00 limit","type":"insufficient_quota"}}
    assertError(r, 402, "insufficient_quota", "insufficient_quota",
        "request rejected by budget (before_request): budget exceeded for key ");
    // $0.002 per answer at the configured prices, not the catalog's; one more may slip in while counting.
    assertThat(error(r).path("message").asText()).containsPattern("spent \\$0\\.00[2468]0 of \\$0\\.001 ");
    assertThat(chat("sk-5", null, say("hi")).statusCode()).isEqualTo(200);
  }
}
