package io.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.RecordedTraffic;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** The recorded Gemini traffic under src/test/resources/providers/gemini/; the rest is RecordedTraffic. */
final class Fixtures {
  static final String VERCEL = "/providers/gemini/vercel-ai/";

  private Fixtures() {}

  /** Vercel's {@code *.chunks.txt} as the SSE events Gemini sends with {@code alt=sse}. */
  static Buffer sse(String path) {
    Buffer out = Buffer.buffer();
    RecordedTraffic.lines(path).forEach(line -> out.appendString("data: " + line + "\r\n\r\n"));
    return out;
  }

  static List<ObjectNode> stream(String path, boolean includeUsage) {
    GeminiStreamMapper mapper = new GeminiStreamMapper(includeUsage, "gemini-requested", "secret-key");
    return RecordedTraffic.map(RecordedTraffic.lines(path), mapper::onEvent, mapper::onEnd);
  }
}
