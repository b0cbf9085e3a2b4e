package io.switchboard.plugin;

import io.switchboard.api.ApiException;

/**
 * A plugin's refusal of a request, worded as Ferro words it so a client moving over sees the same error:
 * {@code "request rejected by <plugin> (<stage>): <reason>"}, with the status, type and code the kind of
 * refusal carries (400 {@code request_rejected} for a guardrail, 429 for a rate limit, 402 for a budget).
 */
public final class Rejection {
  /** The error code of a request a guardrail refused. */
  public static final String REQUEST_REJECTED = "request_rejected";

  private Rejection() {}

  /** A guardrail's refusal: 400 {@code invalid_request_error} / {@code request_rejected}. */
  public static ApiException guardrail(String plugin, String param, String reason) {
    return of(400, "invalid_request_error", REQUEST_REJECTED, param, plugin, reason);
  }

  public static ApiException of(int status, String type, String code, String param, String plugin, String reason) {
    return new ApiException(status, type, code, param, message(plugin, Stage.BEFORE_REQUEST, reason));
  }

  public static String message(String plugin, Stage stage, String reason) {
    return "request rejected by " + plugin + " (" + stage.configName() + "): " + reason;
  }
}
