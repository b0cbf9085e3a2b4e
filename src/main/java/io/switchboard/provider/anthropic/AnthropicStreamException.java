package io.switchboard.provider.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Anthropic stream failed mid-way (an {@code error} event, or a malformed or truncated stream). */
public final class AnthropicStreamException extends RuntimeException {
  private final int status;
  private final ObjectNode openAiError;

  public AnthropicStreamException(int status, ObjectNode openAiError) {
    super(requireNonNull(openAiError, "openAiError").path("error").path("message").asText(), null, false,
        false);
    this.status = status;
    this.openAiError = openAiError;
  }

  /** The HTTP status that Anthropic would have answered with, had the error come before the stream. */
  public int status() {
    return status;
  }

  /** {@code {"error":{"message","type","param","code"}}}. */
  public ObjectNode openAiError() {
    return openAiError.deepCopy();
  }
}
