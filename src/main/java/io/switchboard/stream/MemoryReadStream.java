package io.switchboard.stream;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * A read stream over buffers already in memory, delivered one per event-loop turn and only while there
 * is demand, so it behaves like a network stream under backpressure.
 */
public final class MemoryReadStream implements ReadStream<Buffer> {
  private final Context context;
  private final Queue<Buffer> pending;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private long demand = Long.MAX_VALUE;
  private boolean scheduled;
  private boolean ended;

  public MemoryReadStream(Context context, List<Buffer> buffers) {
    this.context = context;
    this.pending = new ArrayDeque<>(buffers);
  }

  @Override
  public MemoryReadStream exceptionHandler(Handler<Throwable> handler) {
    return this;  // memory cannot fail
  }

  @Override
  public MemoryReadStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    schedule();
    return this;
  }

  @Override
  public MemoryReadStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public MemoryReadStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public MemoryReadStream fetch(long amount) {
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    schedule();
    return this;
  }

  @Override
  public MemoryReadStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    schedule();
    return this;
  }

  private void schedule() {
    if (!scheduled && !ended && handler != null) {
      scheduled = true;
      context.runOnContext(v -> drain());
    }
  }

  private void drain() {
    scheduled = false;
    if (ended || handler == null) {
      return;
    }
    if (pending.isEmpty()) {
      ended = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
      return;
    }
    if (demand == 0) {
      return;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    handler.handle(pending.poll());
    schedule();
  }
}
