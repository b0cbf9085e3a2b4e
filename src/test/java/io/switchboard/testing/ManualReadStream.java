package io.switchboard.testing;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A body stream driven by hand, synchronously: {@link #push}, {@link #end} and {@link #fail} call the handlers
 * set on it. Pause and fetch are ignored; the caller decides when data comes.
 */
public final class ManualReadStream implements ReadStream<Buffer> {
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  public void push(Buffer chunk) {
    handler.handle(chunk);
  }

  public void end() {
    endHandler.handle(null);
  }

  public void fail(Throwable cause) {
    exceptionHandler.handle(cause);
  }

  @Override
  public ManualReadStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ManualReadStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public ManualReadStream pause() {
    return this;
  }

  @Override
  public ManualReadStream resume() {
    return this;
  }

  @Override
  public ManualReadStream fetch(long amount) {
    return this;
  }

  @Override
  public ManualReadStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
