package io.switchboard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A failure that the gateway answers in the OpenAI error shape. Carries everything the response needs, so
 * no handler has to guess a status or a type.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String type;
  private final String code;
  private final String param;

  public ApiException(int status, String type, String code, String param, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  public static ApiException invalidRequest(String param, String code, String message) {
    return new ApiException(400, "invalid_request_error", code, param, message);
  }

  public static ApiException modelNotFound(String model) {
    return new ApiException(404, "invalid_request_error", "model_not_found", "model",
        "The model `" + model + "` does not exist or is not served by this gateway.");
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "invalid_request_error", "not_found", null, message);
  }

  public static ApiException internal(String message) {
    return new ApiException(500, "server_error", "internal_error", null, message);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  public ObjectNode toJson() {
    return OpenAiErrors.body(getMessage(), type, param, code);
  }
}
