package io.switchboard.provider;

import io.vertx.core.buffer.Buffer;

/** A successful upstream answer, already in OpenAI format. Failures fail the future with {@link UpstreamException}. */
public sealed interface UpstreamResponse {
  /** Upstream's own request id, for the client to quote to the provider; may be null. */
  String upstreamRequestId();

  /** A whole JSON body. */
  record Complete(Buffer body, String upstreamRequestId) implements UpstreamResponse {}

  /** An SSE stream whose first output chunk has arrived and is not yet sent. */
  record Streaming(UpstreamStream stream, String upstreamRequestId) implements UpstreamResponse {}
}
