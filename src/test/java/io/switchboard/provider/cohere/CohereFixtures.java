package io.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.RecordedTraffic;
import io.switchboard.stream.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** The recorded Cohere traffic under src/test/resources/providers/cohere/; the rest is RecordedTraffic. */
final class CohereFixtures {
  static final String VERCEL = "/providers/cohere/vercel-ai/";

  private CohereFixtures() {}

  /**
   * The recording as Cohere sends it on the wire: each event as {@code event: <type>} plus {@code data:}.
   * The framing is SSE's; the event names are the recorded events' own {@code type}.
   */
  static Buffer sse(String path) {
    Buffer out = Buffer.buffer();
    for (String line : RecordedTraffic.lines(path)) {
      String type = RecordedTraffic.parse(line).path("type").asText();
      out.appendString("event: " + type + "\ndata: " + line + "\n\n");
    }
    return out;
  }

  static List<ObjectNode> stream(List<SseEvent> events, String model, boolean includeUsage) {
    CohereStreamMapper mapper = new CohereStreamMapper(model, includeUsage);
    return RecordedTraffic.map(events, mapper::onEvent, mapper::onEnd);
  }
}
