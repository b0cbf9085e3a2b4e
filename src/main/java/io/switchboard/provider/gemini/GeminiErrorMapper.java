package io.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Locale;

/**
 * Google's error ({@code {"error":{"code","message","status","details"}}}) to the OpenAI shape. The type
 * follows Google's status name where it is more precise than the HTTP status (an invalid API key is a 400
 * with reason API_KEY_INVALID).
 */
public final class GeminiErrorMapper {
  private GeminiErrorMapper() {}

  /** {@code provider} names the upstream in messages; {@code secret} is masked should Google quote it. */
  public static ObjectNode toOpenAiError(int status, Buffer body, String provider, String secret) {
    JsonNode root = Json.parseOrNull(body);
    JsonNode error = root == null ? null : root.isArray() && !root.isEmpty() ? root.get(0).get("error") : root.get("error");
    if (error == null || !error.path("message").isTextual()) {
      return UpstreamErrors.generic(provider, status, body, secret);
    }
    return fromGoogleError(error, status, secret);
  }

  /** Maps the inner {@code error} object, also when it arrives inside a stream. */
  public static ObjectNode fromGoogleError(JsonNode error, int status, String secret) {
    String googleStatus = error.path("status").asText("");
    String message = UpstreamErrors.redact(error.path("message").asText(), secret);
    String type = type(googleStatus, status);
    String code = googleStatus.isEmpty() ? null : googleStatus.toLowerCase(Locale.ROOT);
    if (hasReason(error, "API_KEY_INVALID")) {
      type = "authentication_error";
      code = "invalid_api_key";
    }
    return OpenAiErrors.body(message, type, null, code);
  }

  static String type(String googleStatus, int status) {
    return switch (googleStatus) {
      case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> "invalid_request_error";
      case "UNAUTHENTICATED" -> "authentication_error";
      case "PERMISSION_DENIED" -> "permission_error";
      case "NOT_FOUND" -> "not_found_error";
      case "RESOURCE_EXHAUSTED" -> "rate_limit_error";
      case "DEADLINE_EXCEEDED" -> "timeout_error";
      case "INTERNAL", "UNAVAILABLE", "UNKNOWN" -> "api_error";
      default -> OpenAiErrors.typeForStatus(status);
    };
  }

  /** The HTTP status Google uses for a status name; for errors that arrive inside a stream. */
  static int statusFor(JsonNode error) {
    if (error.path("code").isInt() && error.get("code").asInt() >= 400) {
      return error.get("code").asInt();
    }
    return switch (error.path("status").asText("")) {
      case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> 400;
      case "UNAUTHENTICATED" -> 401;
      case "PERMISSION_DENIED" -> 403;
      case "NOT_FOUND" -> 404;
      case "RESOURCE_EXHAUSTED" -> 429;
      case "UNAVAILABLE" -> 503;
      case "DEADLINE_EXCEEDED" -> 504;
      default -> 500;
    };
  }

  /** The delay of a {@code google.rpc.RetryInfo} detail ("34.4s"), or null. */
  public static Duration retryDelay(Buffer body) {
    JsonNode root = Json.parseOrNull(body);
    JsonNode error = root == null ? null : root.isArray() && !root.isEmpty() ? root.get(0).get("error") : root.get("error");
    if (error == null) {
      return null;
    }
    for (JsonNode detail : error.path("details")) {
      if (detail.path("@type").asText().endsWith("google.rpc.RetryInfo") && detail.path("retryDelay").isTextual()) {
        String delay = detail.get("retryDelay").asText().strip();
        if (delay.endsWith("s")) {
          try {
            double seconds = Double.parseDouble(delay.substring(0, delay.length() - 1));
            return seconds < 0 ? null : Duration.ofMillis((long) Math.ceil(seconds * 1000));
          } catch (NumberFormatException e) {
            return null;
          }
        }
      }
    }
    return null;
  }

  private static boolean hasReason(JsonNode error, String reason) {
    for (JsonNode detail : error.path("details")) {
      if (reason.equals(detail.path("reason").asText())) {
        return true;
      }
    }
    return false;
  }
}
