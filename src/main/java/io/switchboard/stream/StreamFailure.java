package io.switchboard.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.OpenAiErrors;

/** A stream that failed after it started: the client gets {@link #errorBody()} as a last SSE event. */
public final class StreamFailure extends RuntimeException {
  private final transient ObjectNode errorBody;
  private final int status;

  /** {@code status} is what the client gets if the failure comes before the first byte was sent. */
  public StreamFailure(ObjectNode errorBody, int status) {
    super(errorBody.path("error").path("message").asText("stream failed"), null, false, false);
    this.errorBody = errorBody;
    this.status = status;
  }

  public static StreamFailure of(String message, String type, String code) {
    return new StreamFailure(OpenAiErrors.body(message, type, null, code), 502);
  }

  public int status() {
    return status;
  }

  public ObjectNode errorBody() {
    return errorBody;
  }
}
