package io.switchboard.stream;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** Frames payloads as server-sent events, the way OpenAI clients expect them. */
public final class SseEncoder {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private SseEncoder() {}

  /** {@code data: <json>\n\n}. */
  public static Buffer data(String json) {
    requireNonNull(json, "json");
    StringBuilder out = new StringBuilder(json.length() + 8);
    appendData(out, json);
    return Buffer.buffer(out.append('\n').toString());
  }

  /** Each chunk as a {@code data:} event, in one buffer (empty for none). */
  public static Buffer chunks(List<ObjectNode> chunks) {
    Buffer out = Buffer.buffer();
    for (ObjectNode chunk : chunks) {
      out.appendBuffer(data(Json.string(chunk)));
    }
    return out;
  }

  /** {@code event: <name>\ndata: <json>\n\n}. */
  public static Buffer event(String name, String json) {
    requireNonNull(name, "name");
    requireNonNull(json, "json");
    if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("name: " + name + " (expected: no line breaks)");
    }
    StringBuilder out = new StringBuilder(json.length() + name.length() + 16);
    out.append("event: ").append(name).append('\n');
    appendData(out, json);
    return Buffer.buffer(out.append('\n').toString());
  }

  /** {@code data: [DONE]\n\n}, OpenAI's end-of-stream marker. */
  public static Buffer done() {
    return DONE.copy();
  }

  // Compact JSON never contains a raw line break, but pretty-printed JSON would end the field early;
  // one data line per payload line keeps any payload intact (the decoder joins them with \n).
  private static void appendData(StringBuilder out, String payload) {
    int start = 0;
    for (int i = 0; i < payload.length(); i++) {
      char c = payload.charAt(i);
      if (c == '\n' || c == '\r') {
        out.append("data: ").append(payload, start, i).append('\n');
        if (c == '\r' && i + 1 < payload.length() && payload.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    out.append("data: ").append(payload, start, payload.length()).append('\n');
  }
}
