package io.switchboard.stream;

import io.vertx.core.buffer.Buffer;

/**
 * A {@link ChunkTransformer} that works event by event on an OpenAI SSE stream: the bytes are decoded into
 * events, the subclass sees each one and emits what goes on (the event as it came, a changed one, or
 * nothing), and the output of one chunk is whatever it emitted meanwhile.
 */
public abstract class SseEventTransformer implements ChunkTransformer {
  private final SseDecoder decoder = new SseDecoder(this::onEvent);
  private Buffer out;

  @Override
  public final Buffer onChunk(Buffer chunk) {
    out = Buffer.buffer(chunk.length() + 16);
    decoder.feed(chunk);
    return out;
  }

  @Override
  public final Buffer onEnd() {
    out = Buffer.buffer();
    decoder.end();
    onStreamEnd();
    return out;
  }

  /** One complete event of the stream. */
  protected abstract void onEvent(SseEvent event);

  /** The stream is over (its last event was seen): emit anything still held. */
  protected void onStreamEnd() {}

  /** Appends bytes to the current output. */
  protected final void emit(Buffer bytes) {
    out.appendBuffer(bytes);
  }

  /** Passes an event on unchanged in content (re-framed). */
  protected final void pass(SseEvent event) {
    SseEncoder.append(out, event);
  }
}
