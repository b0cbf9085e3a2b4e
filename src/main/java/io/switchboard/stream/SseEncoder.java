package io.switchboard.stream;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Frames payloads as server-sent events, the way OpenAI clients expect them. */
public final class SseEncoder {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);

  private SseEncoder() {}

  /** {@code data: <json>\n\n}. */
  public static Buffer data(String json) {
    requireNonNull(json, "json");
    return appendData(Buffer.buffer(json.length() + 8), json);
  }

  /** {@code event: <name>\ndata: <json>\n\n}. */
  public static Buffer event(String name, String json) {
    requireNonNull(name, "name");
    requireNonNull(json, "json");
    return appendEvent(Buffer.buffer(json.length() + name.length() + 16), name, json);
  }

  /** {@link #data} written at the end of {@code out}, without a buffer of its own; returns {@code out}. */
  public static Buffer appendData(Buffer out, String json) {
    requireNonNull(json, "json");
    appendLines(out, json);
    return out.appendByte((byte) '\n');
  }

  /** {@link #event} written at the end of {@code out}; returns {@code out}. */
  public static Buffer appendEvent(Buffer out, String name, String json) {
    requireNonNull(name, "name");
    requireNonNull(json, "json");
    if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("name: " + name + " (expected: no line breaks)");
    }
    out.appendBytes(EVENT).appendString(name).appendByte((byte) '\n');
    appendLines(out, json);
    return out.appendByte((byte) '\n');
  }

  /** {@code event} framed again at the end of {@code out}, unchanged in content; returns {@code out}. */
  public static Buffer append(Buffer out, SseEvent event) {
    return event.event() == null ? appendData(out, event.data()) : appendEvent(out, event.event(), event.data());
  }

  /** {@code data: [DONE]\n\n}, OpenAI's end-of-stream marker. */
  public static Buffer done() {
    return DONE.copy();
  }

  // Compact JSON never contains a raw line break, but pretty-printed JSON would end the field early;
  // one data line per payload line keeps any payload intact (the decoder joins them with \n). Lines are cut at
  // CR and LF, never inside a surrogate pair, so encoding them one by one gives the bytes of the whole.
  private static void appendLines(Buffer out, String payload) {
    if (payload.indexOf('\n') < 0 && payload.indexOf('\r') < 0) {
      out.appendBytes(DATA).appendString(payload).appendByte((byte) '\n');
      return;
    }
    int start = 0;
    for (int i = 0; i < payload.length(); i++) {
      char c = payload.charAt(i);
      if (c == '\n' || c == '\r') {
        out.appendBytes(DATA).appendString(payload.substring(start, i)).appendByte((byte) '\n');
        if (c == '\r' && i + 1 < payload.length() && payload.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    out.appendBytes(DATA).appendString(payload.substring(start)).appendByte((byte) '\n');
  }
}
