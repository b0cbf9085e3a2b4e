package io.switchboard.provider;

import io.switchboard.api.OpenAiErrors;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The rest of an upstream stream once its first output chunk is known. The source stays paused until
 * {@link #start}; every chunk passes the provider's transformer on the way out, and after an end, an
 * error or a cancel nothing more is delivered and the {@link #onTerminate} hooks run, once.
 */
public final class UpstreamStream {
  private Buffer first;
  private final ReadStream<Buffer> source;
  private ChunkTransformer transformer;
  private final Runnable cancel;
  private final List<Runnable> onTerminate = new ArrayList<>(1);
  private boolean finished;
  private boolean paused;
  private Vertx vertx;
  private long idleMillis;
  private String providerKey;
  private LoopTimers.Timeout idleTimer;
  private long lastChunkNanos;
  private Handler<Throwable> errorHandler;

  public UpstreamStream(Buffer first, ReadStream<Buffer> source, ChunkTransformer transformer, Runnable cancel) {
    this.first = first;
    this.source = source;
    this.transformer = transformer;
    this.cancel = cancel;
  }

  /** Ends the stream with an error event when no chunk arrives for {@code idle} (while not paused by us). */
  public void idleTimeout(Vertx vertx, Duration idle, String providerKey) {
    this.vertx = vertx;
    this.idleMillis = idle.toMillis();
    this.providerKey = providerKey;
  }

  /**
   * Passes the output through one more transformer (OpenAI SSE bytes in, OpenAI SSE bytes out), after the
   * provider's: a plugin redacting or checking the answer. Call before {@link #start}. The first chunk goes
   * through it at once, so it may come out empty (held back), and a {@link io.switchboard.stream.StreamFailure}
   * thrown on it fails here.
   */
  public void through(ChunkTransformer next) {
    ChunkTransformer inner = transformer;
    first = next.onChunk(first);
    transformer = new ChunkTransformer() {
      @Override
      public Buffer onChunk(Buffer chunk) {
        Buffer out = inner.onChunk(chunk);
        return out.length() == 0 ? out : next.onChunk(out);
      }

      @Override
      public Buffer onEnd() {
        Buffer rest = inner.onEnd();
        Buffer out = rest.length() == 0 ? Buffer.buffer() : next.onChunk(rest);
        return out.appendBuffer(next.onEnd());
      }
    };
  }

  /** Runs once when the stream is over, however it ends; at once if it already is. */
  public void onTerminate(Runnable hook) {
    if (finished) {
      hook.run();
    } else {
      onTerminate.add(hook);
    }
  }

  /** The first output chunk, not yet sent anywhere. */
  public Buffer first() {
    return first;
  }

  public void start(Handler<Buffer> data, Handler<Void> end, Handler<Throwable> error) {
    errorHandler = error;
    source.exceptionHandler(t -> {
      if (!finished) {
        terminate();
        error.handle(t);
      }
    });
    source.handler(chunk -> {
      if (finished) {
        return;
      }
      lastChunkNanos = System.nanoTime();
      Buffer out;
      try {
        out = transformer.onChunk(chunk);
      } catch (RuntimeException e) {
        terminate();
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
      terminate();
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
    armIdleTimer();
    source.resume();
  }

  public void pause() {
    paused = true;
    disarmIdleTimer();  // a slow client is not an idle upstream
    source.pause();
  }

  public void resume() {
    paused = false;
    armIdleTimer();
    source.resume();
  }

  /** Stops the upstream (the client went away); no handler runs after this. */
  public void cancel() {
    if (!finished) {
      terminate();
      cancel.run();
    }
  }

  /**
   * (Re)starts idle tracking from now. Chunks only note their time; the timer, armed once, checks on expiry
   * whether the stream really was idle for the whole period and otherwise waits out the rest: one timer per
   * idle period instead of a cancel and a new timer per chunk.
   */
  private void armIdleTimer() {
    if (vertx == null || finished || paused) {
      return;
    }
    lastChunkNanos = System.nanoTime();
    if (idleTimer == null) {
      idleTimer = LoopTimers.schedule(vertx, idleMillis, this::checkIdle);
    }
  }

  private void checkIdle() {
    idleTimer = null;
    if (finished || paused) {
      return;
    }
    long quietMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastChunkNanos);
    if (quietMillis < idleMillis) {
      idleTimer = LoopTimers.schedule(vertx, idleMillis - quietMillis, this::checkIdle);
      return;
    }
    terminate();
    cancel.run();
    errorHandler.handle(new StreamFailure(OpenAiErrors.body("Provider " + providerKey + " sent nothing for "
        + idleMillis + " ms in the middle of the stream", "timeout_error", null, "stream_idle_timeout"), 504));
  }

  private void disarmIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel();
      idleTimer = null;
    }
  }

  private void terminate() {
    finished = true;
    disarmIdleTimer();
    for (Runnable hook : onTerminate) {
      try {
        hook.run();
      } catch (RuntimeException ignored) {
        // a hook must not stop the others
      }
    }
    onTerminate.clear();
  }
}
