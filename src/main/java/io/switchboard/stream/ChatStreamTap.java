package io.switchboard.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;

/**
 * The gateway's own reading of a chat stream on its way to the client, for the plugins that act after a
 * request: each event is decoded and parsed once and serves two ends, the {@link ChatStreamAssembler} and,
 * when the gateway asked for usage the client did not ({@code stream_options.include_usage}), taking the usage
 * chunk out again (its usage still goes into the {@link #completion}). Put it last in the chain, so that what
 * it assembles is what the client gets. Without stripping the bytes pass as they came; with it, every other
 * event goes on re-framed, as an {@link SseEventTransformer} passes it.
 */
public final class ChatStreamTap implements ChunkTransformer {
  private final boolean stripUsage;
  private final SseDecoder decoder = new SseDecoder(this::onEvent);
  private final ChatStreamAssembler assembler = new ChatStreamAssembler();
  private JsonNode strippedUsage;
  private Buffer out;  // the output being framed; null when the input passes as it is

  public ChatStreamTap(boolean stripUsage) {
    this.stripUsage = stripUsage;
  }

  @Override
  public Buffer onChunk(Buffer chunk) {
    if (!stripUsage) {
      decoder.feed(chunk);
      return chunk;
    }
    out = Buffer.buffer(chunk.length() + 16);
    try {
      decoder.feed(chunk);
      return out;
    } finally {
      out = null;
    }
  }

  @Override
  public Buffer onEnd() {
    Buffer rest = Buffer.buffer();
    out = stripUsage ? rest : null;
    try {
      decoder.end();
      return rest;
    } finally {
      out = null;
    }
  }

  /**
   * The {@code chat.completion} the stream added up to, usage included even when it was taken out. Ends the
   * reading: a last event without its blank line (a stream that failed) still counts, but is not sent.
   */
  public ObjectNode completion() {
    decoder.end();
    ObjectNode completion = assembler.completion();
    if (!completion.has("usage") && strippedUsage != null) {
      completion.set("usage", strippedUsage);
    }
    return completion;
  }

  private void onEvent(SseEvent event) {
    String data = event.data().strip();
    if (data.equals("[DONE]")) {
      assembler.markDone();
    } else {
      JsonNode chunk = Json.parseOrNull(data);
      if (stripUsage && strippedUsage == null && event.event() == null && chunk != null
          && chunk.path("choices").isArray() && chunk.path("choices").isEmpty() && chunk.path("usage").isObject()) {
        strippedUsage = chunk.get("usage");
        return;
      }
      assembler.add(chunk);
    }
    if (out != null) {
      SseEncoder.append(out, event);
    }
  }
}
