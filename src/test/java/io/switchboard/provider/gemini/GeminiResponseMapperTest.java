package io.switchboard.provider.gemini;

import static io.switchboard.provider.RecordedTraffic.assertOpenAiAccepts;
import static io.switchboard.provider.RecordedTraffic.bytes;
import static io.switchboard.provider.RecordedTraffic.json;
import static io.switchboard.provider.gemini.Fixtures.VERCEL;
import static io.switchboard.provider.gemini.GeminiStreamMapperTest.assertUsage;
import static io.switchboard.provider.gemini.GeminiStreamMapperTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Golden tests: recorded Gemini answers and errors in, OpenAI answers and errors out. */
class GeminiResponseMapperTest {

  @Test
  void text() {
    ObjectNode out = GeminiResponseMapper.toChatCompletion(json(VERCEL + "google-text.json"), "req");
    assertOpenAiAccepts(out);
    assertThat(out.path("id").asText()).isEqualTo("Un6LacrVMcjUxs0PmJfWoQc");
    assertThat(out.path("object").asText()).isEqualTo("chat.completion");
    assertThat(out.path("model").asText()).isEqualTo("gemini-3-pro-preview");
    JsonNode choice = out.path("choices").get(0);
    assertThat(choice.path("message").path("content").asText())
        .isEqualTo("There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
    assertThat(choice.path("message").has("tool_calls")).isFalse();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertUsage(out.get("usage"), 9, 28 + 244, 281, 0, 244);
  }

  @Test
  void toolCall() {
    ObjectNode out = GeminiResponseMapper.toChatCompletion(json(VERCEL + "google-tool-call.json"), "req");
    assertOpenAiAccepts(out);
    JsonNode choice = out.path("choices").get(0);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(choice.path("message").path("content").isNull()).isTrue();
    JsonNode call = choice.path("message").path("tool_calls").get(0);
    assertThat(call.path("id").asText()).startsWith("call_");
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.path("function").path("name").asText()).isEqualTo("weather");
    assertThat(parse(call.path("function").path("arguments").asText()))
        .isEqualTo(Json.object().put("location", "San Francisco"));
    assertThat(call.path("extra_content").path("google").path("thought_signature").asText())
        .startsWith("EskgCsYgAb4+9vtF7/499YQS");
    assertUsage(out.get("usage"), 29, 15 + 893, 937, 0, 893);
  }

  @Test
  void gemini3ToolCallAndReasoning() {
    ObjectNode tool = GeminiResponseMapper.toChatCompletion(json(VERCEL + "google-tool-call-gemini3.json"), "r");
    assertOpenAiAccepts(tool);
    assertUsage(tool.get("usage"), 29, 15 + 1801, 1845, 0, 1801);
    ObjectNode reasoning = GeminiResponseMapper.toChatCompletion(json(VERCEL + "google-reasoning-gemini3.json"), "r");
    assertOpenAiAccepts(reasoning);
    assertThat(reasoning.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("There are **3** \"r\"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
    assertUsage(reasoning.get("usage"), 9, 29 + 258, 296, 0, 258);
  }

  @Test
  void thoughtPartsAreReasoningNotContent() {
    JsonNode response = parse("""
        {"candidates":[{"content":{"role":"model","parts":[
          {"text":"Counting letters.","thought":true},{"text":"Three."}]},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":12,"cachedContentTokenCount":8,"candidatesTokenCount":2,
          "thoughtsTokenCount":5,"totalTokenCount":19},"modelVersion":"gemini-2.5-flash"}""");
    ObjectNode out = GeminiResponseMapper.toChatCompletion(response, "gemini-2.5-flash");
    assertOpenAiAccepts(out);
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.path("content").asText()).isEqualTo("Three.");
    assertThat(message.path("reasoning_content").asText()).isEqualTo("Counting letters.");
    assertThat(out.path("id").asText()).startsWith("chatcmpl-");
    assertUsage(out.get("usage"), 12, 7, 19, 8, 5);
  }

  @Test
  void finishReasons() {
    assertThat(GeminiResponseMapper.finishReason("STOP", false)).isEqualTo("stop");
    assertThat(GeminiResponseMapper.finishReason("STOP", true)).isEqualTo("tool_calls");
    assertThat(GeminiResponseMapper.finishReason("MAX_TOKENS", false)).isEqualTo("length");
    for (String filtered : new String[] {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"}) {
      assertThat(GeminiResponseMapper.finishReason(filtered, false)).as(filtered).isEqualTo("content_filter");
    }
    assertThat(GeminiResponseMapper.finishReason(null, false)).isNull();
  }

  @Test
  void blockedPromptIsAContentFilterAnswer() {
    ObjectNode out = GeminiResponseMapper.toChatCompletion(
        parse("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":4}}"), "g");
    assertOpenAiAccepts(out);
    JsonNode choice = out.path("choices").get(0);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("content_filter");
    assertThat(choice.path("message").path("refusal").asText()).contains("SAFETY");
  }

  @Test
  void codecRejectsABodyThatIsNotAResponse() {
    GeminiCodec codec = new GeminiCodec("gem", "m", false, null);
    assertThatThrownBy(() -> codec.complete(Buffer.buffer("{\"foo\":1}"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rateLimitErrorKeepsItsRetryDelay() {
    Buffer body = bytes(VERCEL + "google-429-retry-info.json");
    ObjectNode error = GeminiErrorMapper.toOpenAiError(429, body, "gem", null);
    assertThat(error.path("error").path("message").asText())
        .isEqualTo("You exceeded your current quota, please check your plan.");
    assertThat(error.path("error").path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("error").path("code").asText()).isEqualTo("resource_exhausted");
    assertThat(error.path("error").has("param")).isTrue();
    assertThat(GeminiErrorMapper.retryDelay(body)).isEqualTo(Duration.ofMillis(34_400));
    assertThat(new GeminiCodec("gem", "m", false, null).retryAfter(body)).isEqualTo(Duration.ofMillis(34_400));
  }

  @Test
  void errorTypesFollowGoogleStatus() {
    assertThat(type(400, "INVALID_ARGUMENT")).isEqualTo("invalid_request_error");
    assertThat(type(401, "UNAUTHENTICATED")).isEqualTo("authentication_error");
    assertThat(type(403, "PERMISSION_DENIED")).isEqualTo("permission_error");
    assertThat(type(404, "NOT_FOUND")).isEqualTo("not_found_error");
    assertThat(type(500, "INTERNAL")).isEqualTo("api_error");
    assertThat(type(503, "UNAVAILABLE")).isEqualTo("api_error");
  }

  @Test
  void invalidKeyIsAnAuthenticationErrorAndTheKeyIsMasked() {
    String key = "AIzaSyD-not-a-real-key-123456";
    Buffer body = Buffer.buffer("""
        {"error":{"code":400,"message":"API key not valid: %s. Please pass a valid API key.","status":"INVALID_ARGUMENT",
          "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}"""
        .formatted(key));
    ObjectNode error = GeminiErrorMapper.toOpenAiError(400, body, "gem", key);
    assertThat(error.path("error").path("type").asText()).isEqualTo("authentication_error");
    assertThat(error.path("error").path("code").asText()).isEqualTo("invalid_api_key");
    assertThat(error.toString()).doesNotContain(key).doesNotContain("AIzaSy");
  }

  @Test
  void anUnknownErrorBodyIsWrapped() {
    ObjectNode error = GeminiErrorMapper.toOpenAiError(502, Buffer.buffer("<html>bad gateway</html>"), "gem", null);
    assertThat(error.path("error").path("message").asText()).contains("gem").contains("502");
    assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
  }

  private static String type(int status, String googleStatus) {
    Buffer body = Buffer.buffer("{\"error\":{\"code\":" + status + ",\"message\":\"m\",\"status\":\"" + googleStatus + "\"}}");
    return GeminiErrorMapper.toOpenAiError(status, body, "gem", null).path("error").path("type").asText();
  }
}
