package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.RecordedTraffic;
import io.switchboard.stream.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map.Entry;

/** The recorded Bedrock traffic under src/test/resources/providers/bedrock/; the rest is RecordedTraffic. */
final class BedrockFixtures {
  static final String VERCEL = "/providers/bedrock/vercel-ai/";

  private BedrockFixtures() {}

  /** A {@code *.chunks.txt} recording framed again as the binary event stream Bedrock sends. */
  static byte[] eventStream(String path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : RecordedTraffic.lines(path)) {
      Entry<String, JsonNode> event = RecordedTraffic.parse(line).properties().iterator().next();
      out.writeBytes(EventStreamFrames.event(event.getKey(), Json.string(event.getValue())));
    }
    return out.toByteArray();
  }

  /** Feeds {@code bytes} in pieces of {@code step} bytes (the last may be shorter) and decodes the SSE out. */
  static List<ObjectNode> replay(byte[] bytes, int step, String model, boolean includeUsage) {
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(model, includeUsage));
    Buffer sse = Buffer.buffer();
    for (int i = 0; i < bytes.length; i += step) {
      sse.appendBuffer(transformer.onChunk(Buffer.buffer().appendBytes(bytes, i, Math.min(step, bytes.length - i))));
    }
    sse.appendBuffer(transformer.onEnd());
    return sseChunks(sse);
  }

  /** The JSON chunks of an OpenAI SSE body, checking that it ends with [DONE]. */
  static List<ObjectNode> sseChunks(Buffer sse) {
    List<SseEvent> events = RecordedTraffic.decodeSse(sse);
    assertThat(events).isNotEmpty();
    assertThat(events.getLast().data()).isEqualTo("[DONE]");
    List<ObjectNode> out = new ArrayList<>();
    for (SseEvent event : events.subList(0, events.size() - 1)) {
      out.add((ObjectNode) RecordedTraffic.parse(event.data()));
    }
    return out;
  }
}
