package io.switchboard.plugin.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEvent;
import io.vertx.core.buffer.Buffer;

/**
 * Watches the SSE bytes a client gets, unchanged, for whether the stream completed: {@code data: [DONE]}
 * seen and no error event. Only a completed stream may be cached. Only events that mention
 * {@code "error"} are parsed.
 */
final class StreamWatcher implements ChunkTransformer {
  private final SseDecoder decoder = new SseDecoder(this::onEvent);
  private boolean done;
  private boolean failed;

  @Override
  public Buffer onChunk(Buffer chunk) {
    decoder.feed(chunk);
    return chunk;
  }

  @Override
  public Buffer onEnd() {
    decoder.end();
    return Buffer.buffer();
  }

  boolean completed() {
    return done && !failed;
  }

  private void onEvent(SseEvent event) {
    String data = event.data().strip();
    if (data.equals("[DONE]")) {
      done = true;
    } else if (data.contains("\"error\"") || "error".equals(event.event())) {
      JsonNode node = Json.parseOrNull(Buffer.buffer(data));
      if (node == null || !node.isObject() || node.has("error") || "error".equals(event.event())) {
        failed = true;
      }
    }
  }
}
