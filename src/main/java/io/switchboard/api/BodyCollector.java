package io.switchboard.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Gathers a body's chunks. Vert.x hands each chunk over as a buffer of its own, and most bodies arrive in one,
 * so the first is kept as it is: a copy into a joined buffer is made only when a second chunk comes.
 * {@code HttpClientResponse.body()} copies every body into a buffer grown from empty. The joined buffer grows
 * with the bytes received, never from a declared length: 60 clients declaring 10 MiB and sending 8 bytes would
 * otherwise hold 600 MiB.
 */
public final class BodyCollector {
  private Buffer first;
  private Buffer joined;
  private long length;

  /** The whole body of {@code stream}; fails as the stream does. */
  public static Future<Buffer> collect(ReadStream<Buffer> stream) {
    Promise<Buffer> promise = Promise.promise();
    BodyCollector body = new BodyCollector();
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
      joined = Buffer.buffer((int) Math.min(Integer.MAX_VALUE - 8, 2 * length));
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
