package io.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Turns an Anthropic error ({@code {"type":"error","error":{"type","message"}}}) into the OpenAI shape. */
public final class AnthropicErrorMapper {
  private static final int EXCERPT_CHARS = 200;

  private AnthropicErrorMapper() {}

  public static ObjectNode toOpenAiError(int status, Buffer body) {
    JsonNode error = Json.parseOrNull(body) instanceof JsonNode root ? root.get("error") : null;
    if (error != null && error.path("type").isTextual() && error.path("message").isTextual()) {
      return fromAnthropicError(error, status);
    }
    String message = "Anthropic returned HTTP " + status;
    String excerpt = excerpt(body);
    if (!excerpt.isEmpty()) {
      message += ": " + excerpt;
    }
    return OpenAiErrors.body(message, OpenAiErrors.typeForStatus(status), null, null);
  }

  /** Maps the inner {@code error} object; {@code status} decides the type of error types we don't know. */
  static ObjectNode fromAnthropicError(JsonNode error, int status) {
    String anthropicType = error.path("type").asText("api_error");
    String message = UpstreamErrors.redact(error.path("message").asText("Anthropic returned an error"), null);
    String code = anthropicType.equals("overloaded_error") ? "overloaded" : anthropicType;
    return OpenAiErrors.body(message, openAiType(anthropicType, status), null, code);
  }

  static String openAiType(String anthropicType, int status) {
    return switch (anthropicType) {
      case "invalid_request_error", "request_too_large" -> "invalid_request_error";
      case "authentication_error" -> "authentication_error";
      case "permission_error" -> "permission_error";
      case "not_found_error" -> "not_found_error";
      case "rate_limit_error" -> "rate_limit_error";
      case "api_error", "overloaded_error" -> "api_error";
      default -> OpenAiErrors.typeForStatus(status);
    };
  }

  /** The HTTP status Anthropic uses for an error type; for errors that arrive inside a stream. */
  static int statusFor(String anthropicType) {
    return switch (anthropicType) {
      case "invalid_request_error" -> 400;
      case "authentication_error" -> 401;
      case "billing_error" -> 402;
      case "permission_error" -> 403;
      case "not_found_error" -> 404;
      case "request_too_large" -> 413;
      case "rate_limit_error" -> 429;
      case "timeout_error" -> 504;
      case "overloaded_error" -> 529;
      default -> 500;
    };
  }

  private static String excerpt(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    // Decode a bounded prefix only: an HTML error page can be large.
    int bytes = Math.min(body.length(), EXCERPT_CHARS * 4);
    String text = new String(body.getBytes(0, bytes), StandardCharsets.UTF_8);
    text = UpstreamErrors.redact(text.replaceAll("\\s+", " ").strip(), null);
    return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS - 3) + "...";
  }
}
