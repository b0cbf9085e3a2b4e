package io.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;

/** Turns a Cohere error ({@code {"id": ..., "message": ...}}) into the OpenAI shape. */
public final class CohereErrorMapper {
  private CohereErrorMapper() {}

  /** {@code secret}: the API key, masked should Cohere ever quote it back. */
  public static ObjectNode toOpenAiError(String providerKey, int status, Buffer body, String secret) {
    JsonNode parsed = Json.parseOrNull(body);
    if (parsed != null && parsed.path("message").isTextual()) {
      return OpenAiErrors.body(UpstreamErrors.redact(parsed.get("message").asText(), secret), type(status), null,
          code(status));
    }
    return UpstreamErrors.generic(providerKey, status, body, secret);
  }

  /** Cohere's statuses: 498 is its "invalid token", 422 an invalid request like 400. */
  static String type(int status) {
    return switch (status) {
      case 401, 498 -> "authentication_error";
      case 404 -> "not_found_error";
      default -> OpenAiErrors.typeForStatus(status);
    };
  }

  private static String code(int status) {
    return switch (status) {
      case 401, 498 -> "invalid_api_key";
      case 429 -> "rate_limit_exceeded";
      default -> null;
    };
  }
}
