package io.switchboard.provider.anthropic;

import static io.switchboard.provider.anthropic.AnthropicStreamMapperTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorMapperTest {

  @ParameterizedTest
  @CsvSource({
      "400, invalid_request_error, invalid_request_error, invalid_request_error",
      "401, authentication_error, authentication_error, authentication_error",
      "403, permission_error, permission_error, permission_error",
      "404, not_found_error, not_found_error, not_found_error",
      "413, request_too_large, invalid_request_error, request_too_large",
      "429, rate_limit_error, rate_limit_error, rate_limit_error",
      "500, api_error, api_error, api_error",
      "529, overloaded_error, api_error, overloaded",
      "504, timeout_error, timeout_error, timeout_error",
      "402, billing_error, insufficient_quota, billing_error"})
  void mapsAnthropicErrorTypes(int status, String anthropicType, String openAiType, String code) {
    Buffer body = Buffer.buffer("{\"type\":\"error\",\"error\":{\"type\":\"" + anthropicType
        + "\",\"message\":\"boom\"},\"request_id\":\"req_011\"}");
    JsonNode error = AnthropicErrorMapper.toOpenAiError(status, body);
    assertThat(error).isEqualTo(json("{\"error\":{\"message\":\"boom\",\"type\":\"" + openAiType
        + "\",\"param\":null,\"code\":\"" + code + "\"}}"));
  }

  @Test
  void nonJsonBodyGetsAShortExcerpt() {
    String html = "<html><body>" + "Bad gateway ".repeat(100) + "</body></html>";
    JsonNode error = AnthropicErrorMapper.toOpenAiError(502, Buffer.buffer(html)).path("error");
    assertThat(error.path("message").asText()).startsWith("Anthropic returned HTTP 502: <html><body>Bad gateway")
        .hasSizeLessThanOrEqualTo("Anthropic returned HTTP 502: ".length() + 200);
    assertThat(error.path("type").asText()).isEqualTo("api_error");
    assertThat(error.get("code").isNull()).isTrue();
    assertThat(error.get("param").isNull()).isTrue();
  }

  @Test
  void emptyBody() {
    JsonNode error = AnthropicErrorMapper.toOpenAiError(429, Buffer.buffer()).path("error");
    assertThat(error.path("message").asText()).isEqualTo("Anthropic returned HTTP 429");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
  }

  @Test
  void jsonOfAnotherShapeIsTreatedAsText() {
    JsonNode error = AnthropicErrorMapper.toOpenAiError(503, Buffer.buffer("{\"detail\":\"down\"}")).path("error");
    assertThat(error.path("message").asText()).isEqualTo("Anthropic returned HTTP 503: {\"detail\":\"down\"}");
  }

  @Test
  void anEchoedKeyIsRedacted() {
    JsonNode error = AnthropicErrorMapper.toOpenAiError(401,
        Buffer.buffer("bad key sk-ant-api03-abcDEF_123-xyz given")).path("error");
    assertThat(error.path("message").asText()).doesNotContain("abcDEF").contains("<redacted>");
  }
}
