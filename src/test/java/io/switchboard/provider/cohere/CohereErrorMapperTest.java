package io.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Cohere's error bodies ({@code {"id","message"}}) to the OpenAI error shape. */
class CohereErrorMapperTest {
  private static JsonNode map(int status, String body) {
    JsonNode out = CohereErrorMapper.toOpenAiError("co", status, Buffer.buffer(body), "co-secret-key-123");
    JsonNode error = out.path("error");
    assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code")).isTrue();
    return error;
  }

  @Test
  void statusesAndTypes() {
    String body = "{\"id\":\"2a3c\",\"message\":\"invalid request: message must be at least 1 token long\"}";
    JsonNode bad = map(400, body);
    assertThat(bad.path("message").asText()).isEqualTo("invalid request: message must be at least 1 token long");
    assertThat(bad.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(map(422, body).path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(map(401, "{\"message\":\"invalid api token\"}").path("type").asText())
        .isEqualTo("authentication_error");
    assertThat(map(498, "{\"message\":\"invalid api token\"}").path("code").asText()).isEqualTo("invalid_api_key");
    assertThat(map(404, "{\"message\":\"model 'x' not found\"}").path("type").asText()).isEqualTo("not_found_error");
    JsonNode limited = map(429, "{\"message\":\"You are using a Trial key, which is limited to 10 API calls / minute.\"}");
    assertThat(limited.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(limited.path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(map(500, "{\"message\":\"internal server error\"}").path("type").asText()).isEqualTo("api_error");
  }

  @Test
  void aBodyOfNoKnownShapeIsQuotedShortAndTheKeyNeverAppears() {
    JsonNode error = map(503, "<html>upstream down co-secret-key-123</html>");
    assertThat(error.path("message").asText()).startsWith("Provider co returned HTTP 503").doesNotContain(
        "co-secret-key-123");
    assertThat(map(400, "{\"message\":\"bad key co-secret-key-123\"}").path("message").asText())
        .doesNotContain("co-secret-key-123");
  }
}
