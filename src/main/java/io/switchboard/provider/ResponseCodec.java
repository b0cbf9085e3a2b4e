package io.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.stream.ChunkTransformer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/** How one provider's HTTP answers become OpenAI answers: error bodies, whole bodies and streams. */
public interface ResponseCodec {
  /** The OpenAI-shaped error for an upstream error status; never includes request headers or keys. */
  ObjectNode error(int status, Buffer body);

  /**
   * How long to wait before retrying, when the error body says so (Google's RetryInfo); used when the
   * response has no Retry-After header. Null when the body says nothing.
   */
  default Duration retryAfter(Buffer body) {
    return null;
  }

  /** As {@link #error(int, Buffer)}, for providers that name the error in a header (AWS's x-amzn-ErrorType). */
  default ObjectNode error(int status, MultiMap headers, Buffer body) {
    return error(status, body);
  }

  /** The OpenAI JSON for a 2xx body; throws (any RuntimeException) when the body is not a valid answer. */
  Buffer complete(Buffer body);

  /** A fresh transformer for one stream. */
  ChunkTransformer streamTransformer();
}
