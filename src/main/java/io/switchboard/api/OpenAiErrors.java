package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds and recognises the OpenAI error shape {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiErrors {
  private OpenAiErrors() {}

  public static ObjectNode body(String message, String type, String param, String code) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    if (param == null) {
      error.putNull("param");
    } else {
      error.put("param", param);
    }
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return root;
  }

  /** True when {@code node} already is an OpenAI-shaped error with a message. */
  public static boolean isOpenAiError(JsonNode node) {
    return node != null && node.path("error").isObject() && node.path("error").path("message").isTextual();
  }

  /** The error type OpenAI uses for an HTTP status, for errors that arrive without one. */
  public static String typeForStatus(int status) {
    return switch (status) {
      case 400, 404, 409, 413, 415, 422 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "insufficient_quota";
      case 403 -> "permission_error";
      case 408, 504 -> "timeout_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }
}
