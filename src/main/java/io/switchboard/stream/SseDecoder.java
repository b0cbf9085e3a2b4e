package io.switchboard.stream;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental server-sent-events parser (WHATWG "event stream interpretation"), framing only.
 *
 * <p>Works on bytes: CR and LF never occur inside a UTF-8 multi-byte sequence, so lines are cut on bytes
 * and only complete lines are decoded, which makes a chunk boundary inside a character harmless. Unread
 * bytes stay in one array with a scan position, so a long line arriving in many chunks is scanned once.
 */
public final class SseDecoder {
  /** Largest event accepted, counting the raw bytes of all its lines. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final byte[] ID = {'i', 'd'};

  private final Consumer<SseEvent> sink;
  private final int maxEventBytes;

  // Most events are a few hundred bytes; the array grows (doubling) to fit the largest unread part seen.
  private byte[] buf = new byte[1024];
  private int lineStart; // first byte of the line being read
  private int scan; // next byte to look at; lineStart <= scan <= end
  private int end; // one past the last byte received
  private boolean skipLf; // the previous line ended with CR, so a leading LF belongs to it
  private boolean firstLine = true;

  private String eventType;
  private String id;
  // Nearly every event has one data line: it is kept as is, and joined in a builder only when a second comes.
  private String firstData;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean moreData;
  private long eventBytes; // bytes of the completed lines of the current event

  public SseDecoder(Consumer<SseEvent> sink) {
    this(sink, DEFAULT_MAX_EVENT_BYTES);
  }

  SseDecoder(Consumer<SseEvent> sink, int maxEventBytes) {
    this.sink = requireNonNull(sink, "sink");
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
    }
    this.maxEventBytes = maxEventBytes;
  }

  /** Consumes the next chunk; dispatches every event it completes. */
  public void feed(Buffer chunk) {
    requireNonNull(chunk, "chunk");
    append(chunk);
    while (scan < end) {
      byte b = buf[scan];
      if (skipLf) {
        skipLf = false;
        if (b == LF) {
          lineStart = ++scan;
          continue;
        }
      }
      if (b == CR || b == LF) {
        int lineEnd = scan;
        scan++;
        skipLf = b == CR;
        int from = lineStart;
        lineStart = scan;
        line(from, lineEnd);
      } else {
        scan++;
      }
    }
    checkBound();
  }

  /**
   * The stream ended: a last line without terminator, and a last event without its blank line, are
   * dispatched rather than dropped (upstreams do close right after the final {@code data:} line).
   */
  public void end() {
    if (lineStart < end) {
      int from = lineStart;
      lineStart = scan = end;
      line(from, end);
    }
    dispatch();
  }

  private void append(Buffer chunk) {
    int n = chunk.length();
    if (end + n > buf.length) {
      // Drop consumed bytes first; grow only when the unread part itself does not fit.
      int unread = end - lineStart;
      byte[] target = unread + n > buf.length ? new byte[Math.max(buf.length * 2, unread + n)] : buf;
      System.arraycopy(buf, lineStart, target, 0, unread);
      buf = target;
      scan -= lineStart;
      end = unread;
      lineStart = 0;
    }
    chunk.getBytes(0, n, buf, end);
    end += n;
  }

  private void checkBound() {
    if (eventBytes + (end - lineStart) > maxEventBytes) {
      throw new IllegalStateException(
          "SSE event size: more than " + maxEventBytes + " bytes (expected: <= " + maxEventBytes + ")");
    }
  }

  private void line(int from, int to) {
    int start = from;
    if (firstLine) {
      firstLine = false;
      // A UTF-8 byte order mark may open the stream and is not part of the first field name.
      if (to - from >= 3 && (buf[from] & 0xFF) == 0xEF && (buf[from + 1] & 0xFF) == 0xBB
          && (buf[from + 2] & 0xFF) == 0xBF) {
        start += 3;
      }
    }
    if (start == to) {
      dispatch();
      return;
    }
    eventBytes += to - start;
    checkBound();
    if (buf[start] == ':') {
      return; // comment, e.g. a keep-alive
    }
    int colon = indexOf((byte) ':', start, to);
    int fieldEnd = colon < 0 ? to : colon;
    int valueStart = to;
    if (colon >= 0) {
      valueStart = colon + 1;
      if (valueStart < to && buf[valueStart] == ' ') {
        valueStart++;
      }
    }
    // The field name is compared as bytes: no string for it on every line.
    if (is(DATA, start, fieldEnd)) {
      String value = text(valueStart, to);
      if (!hasData) {
        firstData = value;
        hasData = true;
      } else {
        if (!moreData) {
          data.append(firstData);
          moreData = true;
        }
        data.append('\n').append(value);
      }
    } else if (is(EVENT, start, fieldEnd)) {
      eventType = text(valueStart, to);
    } else if (is(ID, start, fieldEnd)) {
      String value = text(valueStart, to);
      if (value.indexOf('\0') < 0) {
        id = value;
      }
    }
    // "retry" and unknown fields carry nothing a proxy needs.
  }

  private boolean is(byte[] name, int from, int to) {
    return to - from == name.length && Arrays.equals(buf, from, to, name, 0, name.length);
  }

  private void dispatch() {
    // Per the spec an event without data lines is not dispatched; its other fields are discarded.
    if (hasData) {
      SseEvent event = new SseEvent(eventType == null || eventType.isEmpty() ? null : eventType,
          moreData ? data.toString() : firstData, id);
      resetEvent();
      sink.accept(event);
    } else {
      resetEvent();
    }
  }

  private void resetEvent() {
    eventType = null;
    id = null;
    firstData = null;
    data.setLength(0);
    hasData = false;
    moreData = false;
    eventBytes = 0;
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private String text(int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.UTF_8);
  }
}
