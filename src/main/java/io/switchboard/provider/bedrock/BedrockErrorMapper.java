package io.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;

/**
 * Bedrock errors in the OpenAI shape. AWS names the error in the {@code x-amzn-ErrorType} header (e.g.
 * {@code ThrottlingException:http://internal.amazon.com/...}) or a body {@code __type}, with the text in
 * {@code message} (or {@code Message}); inside an event stream the name is the {@code :exception-type}.
 */
public final class BedrockErrorMapper {
  private BedrockErrorMapper() {}

  /** An error answered with an HTTP status. {@code errorType} is the x-amzn-ErrorType header, or null. */
  public static ObjectNode toOpenAiError(int status, String errorType, Buffer body) {
    JsonNode parsed = Json.parseOrNull(body);
    String name = errorName(errorType != null ? errorType : parsed == null ? null : parsed.path("__type").textValue());
    String message = parsed == null ? null : message(parsed);
    if (message == null) {
      return UpstreamErrors.generic("bedrock", status, body, null);
    }
    return body(name, status, message);
  }

  /** An exception event inside a ConverseStream, e.g. {@code throttlingException}. */
  static ObjectNode fromStreamException(String exceptionType, JsonNode payload) {
    String name = capitalize(exceptionType);
    String message = payload == null ? null : message(payload);
    return body(name, statusFor(name), message == null ? "Bedrock stream failed with " + name : message);
  }

  /** The HTTP status the Smithy model gives an error, for errors that arrive inside a stream. */
  static int statusFor(String name) {
    return switch (name == null ? "" : name) {
      case "ValidationException" -> 400;
      case "AccessDeniedException" -> 403;
      case "ResourceNotFoundException" -> 404;
      case "ModelTimeoutException" -> 408;
      case "ModelErrorException", "ModelStreamErrorException" -> 424;
      case "ThrottlingException", "ModelNotReadyException", "ServiceQuotaExceededException" -> 429;
      case "ServiceUnavailableException" -> 503;
      default -> 500;
    };
  }

  private static ObjectNode body(String name, int status, String message) {
    return OpenAiErrors.body(UpstreamErrors.redact(message, null), openAiType(name, status), null, name);
  }

  static String openAiType(String name, int status) {
    return switch (name == null ? "" : name) {
      case "ValidationException" -> "invalid_request_error";
      case "AccessDeniedException" -> "permission_error";
      // The gateway's own AWS credentials are wrong or expired.
      case "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
           "IncompleteSignatureException", "MissingAuthenticationTokenException" -> "authentication_error";
      case "ResourceNotFoundException" -> "not_found_error";
      case "ThrottlingException", "ModelNotReadyException", "ServiceQuotaExceededException" -> "rate_limit_error";
      case "ModelTimeoutException" -> "timeout_error";
      case "ModelErrorException", "ModelStreamErrorException", "InternalServerException",
           "ServiceUnavailableException" -> "api_error";
      default -> OpenAiErrors.typeForStatus(status);
    };
  }

  /** "ThrottlingException:http://..." or "com.amazon...#ThrottlingException" to "ThrottlingException". */
  static String errorName(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String name = raw;
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    int hash = name.lastIndexOf('#');
    if (hash >= 0) {
      name = name.substring(hash + 1);
    }
    return name.isBlank() ? null : name.strip();
  }

  private static String message(JsonNode body) {
    for (String field : new String[] {"message", "Message"}) {
      if (body.path(field).isTextual() && !body.get(field).asText().isBlank()) {
        return body.get(field).asText();
      }
    }
    return null;
  }

  private static String capitalize(String type) {
    if (type == null || type.isEmpty()) {
      return "InternalServerException";
    }
    return Character.toUpperCase(type.charAt(0)) + type.substring(1);
  }
}
