package io.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * What one attempt sends: the client's request as a JSON tree, the model this target is asked for,
 * and the client's original bytes, which a passthrough provider forwards untouched when the model
 * needs no rewrite. {@code timeout}, when set, replaces the provider's per-attempt timeout (a target's own,
 * or what is left of the request's deadline); {@code cancellation} stops the attempt when the client leaves.
 */
public record UpstreamRequest(ObjectNode body, Buffer originalBytes, String model, boolean stream, String requestId,
    Duration timeout, Cancellation cancellation, boolean usageInjected) {

  /**
   * {@code usageInjected}: the gateway, not the client, asked for {@code stream_options.include_usage} (plugins
   * count tokens), so a provider that cannot take {@code stream_options} may drop it without a word.
   */
  public UpstreamRequest(ObjectNode body, Buffer originalBytes, String model, boolean stream, String requestId,
      Duration timeout, Cancellation cancellation) {
    this(body, originalBytes, model, stream, requestId, timeout, cancellation, false);
  }

  /** With the provider's own per-attempt timeout, never cancelled. */
  public UpstreamRequest(ObjectNode body, Buffer originalBytes, String model, boolean stream, String requestId) {
    this(body, originalBytes, model, stream, requestId, null, Cancellation.none());
  }

  /** With the provider's own per-attempt timeout. */
  public UpstreamRequest(ObjectNode body, Buffer originalBytes, String model, boolean stream, String requestId,
      Cancellation cancellation) {
    this(body, originalBytes, model, stream, requestId, null, cancellation);
  }

  /** With the provider's own per-attempt timeout; {@code usageInjected} as in the canonical constructor. */
  public UpstreamRequest(ObjectNode body, Buffer originalBytes, String model, boolean stream, String requestId,
      Cancellation cancellation, boolean usageInjected) {
    this(body, originalBytes, model, stream, requestId, null, cancellation, usageInjected);
  }

  /** The same request, streamed or not: a provider that makes a stream in two calls sends the first whole. */
  public UpstreamRequest withStream(boolean stream) {
    return new UpstreamRequest(body, originalBytes, model, stream, requestId, timeout, cancellation, usageInjected);
  }

  /** The same request with this attempt's timeout (null: the provider's). */
  public UpstreamRequest withTimeout(Duration timeout) {
    return new UpstreamRequest(body, originalBytes, model, stream, requestId, timeout, cancellation, usageInjected);
  }

  /** The bytes to forward to an OpenAI-compatible upstream: the original ones unless the model changes. */
  public Buffer passthroughBytes() {
    if (originalBytes != null && model.equals(body.path("model").asText())) {
      return originalBytes;
    }
    ObjectNode copy = body.deepCopy();
    copy.put("model", model);
    return Json.buffer(copy);
  }
}
