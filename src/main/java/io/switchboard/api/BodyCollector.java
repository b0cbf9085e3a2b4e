package io.switchboard.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Gathers a body's chunks. Vert.x hands each chunk over as a buffer of its own, and most bodies arrive in one,
 * so the first is kept as it is: a copy into a joined buffer is made only when a second chunk comes.
 * {@code HttpClientResponse.body()} copies every body into a buffer grown from empty.
 */
public final class BodyCollector {
  private final int sizeHint;
  private Buffer first;
  private Buffer joined;
  private long length;

  /** {@code sizeHint}: the joined buffer's starting capacity (a declared content-length), or 0. */
  public BodyCollector(int sizeHint) {
    this.sizeHint = sizeHint;
  }

  /** The whole body of {@code stream}; fails as the stream does. */
  public static Future<Buffer> collect(ReadStream<Buffer> stream) {
    Promise<Buffer> promise = Promise.promise();
    BodyCollector body = new BodyCollector(0);
    stream.exceptionHandler(promise::tryFail);
    stream.handler(body::add);
    stream.endHandler(v -> promise.tryComplete(body.result()));
    return promise.future();
  }

  public void add(Buffer chunk) {
    length += chunk.length();
    if (joined == null) {
      if (first == null) {
        first = chunk;
        return;
      }
      joined = Buffer.buffer((int) Math.min(Integer.MAX_VALUE - 8, Math.max(sizeHint, length)));
      joined.appendBuffer(first);
      first = null;
    }
    joined.appendBuffer(chunk);
  }

  /** Bytes seen so far. */
  public long length() {
    return length;
  }

  public Buffer result() {
    return joined != null ? joined : first != null ? first : Buffer.buffer();
  }
}
