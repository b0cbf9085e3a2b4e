package io.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.RecordedTraffic;
import io.switchboard.stream.SseEvent;
import java.util.ArrayList;
import java.util.List;

/** The recorded Anthropic traffic under src/test/resources/providers/anthropic/; the rest is RecordedTraffic. */
final class Fixtures {
  static final String SDK = "/providers/anthropic/anthropic-sdk-python/";
  static final String VERCEL = "/providers/anthropic/vercel-ai/";

  private Fixtures() {}

  /** A raw SSE recording, decoded with our own decoder. */
  static List<SseEvent> sse(String path) {
    return RecordedTraffic.decodeSse(RecordedTraffic.bytes(path));
  }

  static List<ObjectNode> stream(List<SseEvent> events, boolean includeUsage) {
    AnthropicStreamMapper mapper = new AnthropicStreamMapper(includeUsage);
    return RecordedTraffic.map(events, mapper::onEvent, mapper::onEnd);
  }

  /** Splits a recording that holds several consecutive messages at each message_start. */
  static List<List<SseEvent>> perMessage(List<SseEvent> events) {
    List<List<SseEvent>> messages = new ArrayList<>();
    for (SseEvent event : events) {
      if (event.data().contains("\"type\":\"message_start\"")) {
        messages.add(new ArrayList<>());
      }
      messages.getLast().add(event);
    }
    return messages;
  }
}
