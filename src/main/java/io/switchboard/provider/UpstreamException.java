package io.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.config.Redaction;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * A failed attempt. {@code status} is what the client gets if no other attempt succeeds; {@code errorBody}
 * is in the OpenAI shape. Its strings, which the client and the log get, are redacted here (key-shaped
 * tokens) and by {@link HttpUpstream} (the provider's own credentials), so no error mapper can forget to.
 */
public final class UpstreamException extends RuntimeException {
  public enum Kind {
    /** The upstream answered with an error status. */
    STATUS,
    /** No connection could be made, or it broke before an answer. */
    CONNECTION,
    /** The attempt ran past its timeout. */
    TIMEOUT,
    /** The upstream answered 2xx with something that is not a valid answer. */
    PROTOCOL
  }

  private final Kind kind;
  private final int status;
  private final transient ObjectNode errorBody;
  private final Duration retryAfter;

  public UpstreamException(Kind kind, int status, ObjectNode errorBody, Duration retryAfter) {
    this(kind, status, errorBody, retryAfter, List.of());
  }

  private UpstreamException(Kind kind, int status, ObjectNode errorBody, Duration retryAfter,
      Collection<String> secrets) {
    super(Redaction.redactAll(errorBody, secrets).path("error").path("message").asText(kind.name()), null, false,
        false);
    this.kind = kind;
    this.status = status;
    this.errorBody = errorBody;
    this.retryAfter = retryAfter;
  }

  public static UpstreamException connection(String providerKey, String detail) {
    return new UpstreamException(Kind.CONNECTION, 502, OpenAiErrors.body(
        "Could not reach provider " + providerKey + ": " + detail, "api_error", null, "upstream_connection_error"),
        null);
  }

  public static UpstreamException timeout(String providerKey, Duration after) {
    return new UpstreamException(Kind.TIMEOUT, 504, OpenAiErrors.body(
        "Provider " + providerKey + " did not answer within " + after.toMillis() + " ms", "timeout_error", null,
        "upstream_timeout"), null);
  }

  public static UpstreamException protocol(String providerKey, String detail) {
    return new UpstreamException(Kind.PROTOCOL, 502, OpenAiErrors.body(
        "Provider " + providerKey + " sent an invalid answer: " + detail, "api_error", null,
        "upstream_invalid_response"), null);
  }

  /** This failure with {@code secrets} masked as well; this one when there are none. */
  public UpstreamException redacted(Collection<String> secrets) {
    return secrets.isEmpty() ? this : new UpstreamException(kind, status, errorBody.deepCopy(), retryAfter, secrets);
  }

  public Kind kind() {
    return kind;
  }

  public int status() {
    return status;
  }

  public ObjectNode errorBody() {
    return errorBody;
  }

  /** The upstream's Retry-After, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
