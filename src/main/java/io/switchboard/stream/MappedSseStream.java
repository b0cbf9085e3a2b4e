package io.switchboard.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A translated stream: a provider's SSE events in, OpenAI {@code chat.completion.chunk} events out, ending with
 * {@code [DONE]}. The provider's mapper turns each event into zero or more chunks, and at the end adds the
 * closing ones; a {@link StreamFailure} it throws ends the stream with an error instead.
 */
public final class MappedSseStream implements ChunkTransformer {
  private final Supplier<List<ObjectNode>> onEnd;
  private final SseDecoder decoder;
  private final List<ObjectNode> pending = new ArrayList<>();
  private final SseChunkWriter writer = new SseChunkWriter();

  public MappedSseStream(Function<SseEvent, List<ObjectNode>> onEvent, Supplier<List<ObjectNode>> onEnd) {
    this.onEnd = onEnd;
    this.decoder = new SseDecoder(event -> pending.addAll(onEvent.apply(event)));
  }

  @Override
  public Buffer onChunk(Buffer chunk) {
    decoder.feed(chunk);
    return drain();
  }

  @Override
  public Buffer onEnd() {
    decoder.end();
    pending.addAll(onEnd.get());
    return drain().appendBuffer(SseEncoder.done());
  }

  private Buffer drain() {
    Buffer out = writer.write(pending);
    pending.clear();
    return out;
  }
}
