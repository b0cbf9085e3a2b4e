package io.switchboard.provider;

import io.switchboard.stream.ChunkTransformer;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The rest of an upstream stream once its first output chunk is known. The source stays paused until
 * {@link #start}; every chunk passes the provider's transformer on the way out, and after an end or an
 * error nothing more is delivered.
 */
public final class UpstreamStream {
  private final Buffer first;
  private final ReadStream<Buffer> source;
  private final ChunkTransformer transformer;
  private final Runnable cancel;
  private boolean finished;

  public UpstreamStream(Buffer first, ReadStream<Buffer> source, ChunkTransformer transformer, Runnable cancel) {
    this.first = first;
    this.source = source;
    this.transformer = transformer;
    this.cancel = cancel;
  }

  /** The first output chunk, not yet sent anywhere. */
  public Buffer first() {
    return first;
  }

  public void start(Handler<Buffer> data, Handler<Void> end, Handler<Throwable> error) {
    source.exceptionHandler(t -> {
      if (!finished) {
        finished = true;
        error.handle(t);
      }
    });
    source.handler(chunk -> {
      if (finished) {
        return;
      }
      Buffer out;
      try {
        out = transformer.onChunk(chunk);
      } catch (RuntimeException e) {
        finished = true;
        cancel.run();
        error.handle(e);
        return;
      }
      if (out.length() > 0) {
        data.handle(out);
      }
    });
    source.endHandler(v -> {
      if (finished) {
        return;
      }
      finished = true;
      Buffer out;
      try {
        out = transformer.onEnd();
      } catch (RuntimeException e) {
        error.handle(e);
        return;
      }
      if (out.length() > 0) {
        data.handle(out);
      }
      end.handle(null);
    });
    source.resume();
  }

  public void pause() {
    source.pause();
  }

  public void resume() {
    source.resume();
  }

  /** Stops the upstream (the client went away); no handler runs after this. */
  public void cancel() {
    if (!finished) {
      finished = true;
      cancel.run();
    }
  }
}
