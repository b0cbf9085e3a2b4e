package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BedrockErrorMapperTest {

  @ParameterizedTest
  @CsvSource({
      "400, ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/, invalid_request_error, ValidationException",
      "403, AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/, permission_error, AccessDeniedException",
      "403, UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/, authentication_error, UnrecognizedClientException",
      "403, InvalidSignatureException, authentication_error, InvalidSignatureException",
      "404, ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/, not_found_error, ResourceNotFoundException",
      "429, ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/, rate_limit_error, ThrottlingException",
      "429, ModelNotReadyException, rate_limit_error, ModelNotReadyException",
      "408, ModelTimeoutException, timeout_error, ModelTimeoutException",
      "424, ModelErrorException, api_error, ModelErrorException",
      "500, InternalServerException, api_error, InternalServerException",
      "503, ServiceUnavailableException, api_error, ServiceUnavailableException"})
  void headerNamesTheError(int status, String header, String type, String code) {
    JsonNode error = BedrockErrorMapper.toOpenAiError(status, header,
        Buffer.buffer("{\"message\":\"The model returned the following errors: boom\"}")).path("error");
    assertThat(error.path("message").asText()).isEqualTo("The model returned the following errors: boom");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.has("param")).isTrue();
  }

  @Test
  void bodyTypeIsUsedWithoutTheHeaderAndCapitalMessageIsRead() {
    JsonNode error = BedrockErrorMapper.toOpenAiError(400, null, Buffer.buffer(
        "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"Message\":\"bad input\"}")).path("error");
    assertThat(error.path("code").asText()).isEqualTo("ValidationException");
    assertThat(error.path("message").asText()).isEqualTo("bad input");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void unknownBodiesGetAnExcerptAndTheStatusType() {
    JsonNode error = BedrockErrorMapper.toOpenAiError(502, null, Buffer.buffer("<html>Bad Gateway</html>"))
        .path("error");
    assertThat(error.path("message").asText()).contains("HTTP 502").contains("Bad Gateway");
    assertThat(error.path("type").asText()).isEqualTo("api_error");
  }

  @Test
  void unknownErrorNamesFallBackToTheStatus() {
    JsonNode error = BedrockErrorMapper.toOpenAiError(429, "SomethingNewException", Buffer.buffer(
        "{\"message\":\"slow down\"}")).path("error");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("code").asText()).isEqualTo("SomethingNewException");
  }
}
