package io.switchboard.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.switchboard.api.Json;
import io.switchboard.config.Redaction;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Masks credentials (see {@link Redaction}) in the error events of an OpenAI SSE stream, and passes every other
 * byte as it came, in order. A passthrough relays the upstream's bytes, and an upstream may quote the key it was
 * sent in an error event in the middle of a stream ({@code "Incorrect API key provided: sk-proj-..."}).
 *
 * <p>Cheap for the common chunk: whole events without a sign of an error (the bytes {@code "error"}, or an
 * {@code event:} line naming {@code error}) are returned as they came, not copied. Only an event with a sign is
 * decoded, and re-encoded when masking changed it. An event cut across chunks is held back until its blank line,
 * so it is judged whole and none of its bytes leave before its last one is seen.
 */
public final class SseErrorRedaction implements ChunkTransformer {
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] ERROR = {'e', 'r', 'r', 'o', 'r'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long O = 0x6F6F6F6F6F6F6F6FL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  private final Collection<String> secrets;
  private final int maxEventBytes;
  /** The bytes of an event not yet complete, from its first, in {@code held[0, heldLength)}. */
  private byte[] held;
  private int heldLength;
  // Where the bytes seen so far end: at the start of a line (nothing on it yet), and just after a CR.
  private boolean lineEmpty = true;
  private boolean afterCr;

  /** {@code secrets}: the provider's own credentials, masked wherever they appear, whatever their shape. */
  public SseErrorRedaction(Collection<String> secrets) {
    this(secrets, SseDecoder.DEFAULT_MAX_EVENT_BYTES);
  }

  SseErrorRedaction(Collection<String> secrets, int maxEventBytes) {
    this.secrets = List.copyOf(secrets);
    this.maxEventBytes = maxEventBytes;
  }

  @Override
  public Buffer onChunk(Buffer chunk) {
    int n = chunk.length();
    if (n == 0) {
      return chunk;
    }
    // A heap buffer's bytes are read where they are (the upstream's chunks are copied to the heap on arrival).
    byte[] bytes;
    int from;
    ByteBuf buf = chunk instanceof BufferInternal internal ? internal.getByteBuf() : null;
    if (buf != null && buf.hasArray()) {
      bytes = buf.array();
      from = buf.arrayOffset() + buf.readerIndex();
    } else {
      bytes = chunk.getBytes();
      from = 0;
    }
    if (heldLength == 0 && endsEvent(bytes, from, from + n) && !mayBeError(bytes, from, from + n)) {
      lineEmpty = true;
      afterCr = bytes[from + n - 1] == CR;
      return chunk;
    }
    return split(bytes, from, n);
  }

  @Override
  public Buffer onEnd() {
    Buffer out = Buffer.buffer(heldLength);
    if (heldLength > 0) {
      // An upstream may close right after its last event, without the blank line (SseDecoder dispatches it too).
      judge(held, 0, heldLength, out);
      heldLength = 0;
    }
    return out;
  }

  /**
   * The slow way, for {@code n} bytes from {@code from}: the held bytes and these cut into events, each judged;
   * an unfinished one held back. Only the new bytes are scanned.
   */
  private Buffer split(byte[] bytes, int from, int n) {
    byte[] data = bytes;
    int base = from;
    int length = n;
    int scanned = 0;
    if (heldLength > 0) {
      hold(bytes, from, n);
      data = held;
      base = 0;
      scanned = heldLength - n;
      length = heldLength;
    }
    Buffer out = Buffer.buffer(length);
    int start = 0;
    for (int i = scanned; i < length; i++) {
      byte b = data[base + i];
      if (afterCr) {
        afterCr = false;
        if (b == LF) {
          continue;  // the end of a CRLF
        }
      }
      if (b != CR && b != LF) {
        lineEmpty = false;
      } else if (!lineEmpty) {
        lineEmpty = true;
        afterCr = b == CR;
      } else {
        // A blank line: the event ends with it, and with the LF of its CRLF when that is here already.
        int end = i + 1;
        if (b == CR && end < length && data[base + end] == LF) {
          end++;
          i++;
        } else {
          afterCr = b == CR;
        }
        judge(data, base + start, base + end, out);
        start = end;
      }
    }
    if (data == held) {
      if (start > 0) {
        System.arraycopy(held, start, held, 0, length - start);
        heldLength = length - start;
      }  // else: still one event, already held; nothing moves, so a long one is not copied on every chunk
    } else {
      hold(bytes, from + start, length - start);
    }
    if (heldLength == 0 && held != null && held.length > 64 * 1024) {
      held = null;  // a large event is over: its room goes back
    }
    return out;
  }

  /** Appends to the held bytes, within the bound on an event's size. */
  private void hold(byte[] bytes, int from, int n) {
    if (n == 0) {
      return;
    }
    if ((long) heldLength + n > maxEventBytes) {
      throw new IllegalStateException(
          "SSE event size: more than " + maxEventBytes + " bytes (expected: <= " + maxEventBytes + ")");
    }
    if (held == null || heldLength + n > held.length) {
      int size = Math.max(heldLength + n, held == null ? 1024 : Math.min(maxEventBytes, held.length * 2));
      held = held == null ? new byte[size] : Arrays.copyOf(held, size);
    }
    System.arraycopy(bytes, from, held, heldLength, n);
    heldLength += n;
  }

  /** The event in {@code bytes[from, to)} onto {@code out}: as it came, or masked when it is an error. */
  private void judge(byte[] bytes, int from, int to, Buffer out) {
    if (!mayBeError(bytes, from, to)) {
      out.appendBytes(bytes, from, to - from);
      return;
    }
    // Line ends before the event (the LF of the last one's CRLF, which came in this chunk) are not its own.
    int start = from;
    while (start < to && (bytes[start] == LF || bytes[start] == CR)) {
      start++;
    }
    Buffer masked = masked(Buffer.buffer().appendBytes(bytes, start, to - start));
    if (masked == null) {
      out.appendBytes(bytes, from, to - from);
      return;
    }
    // The blank line keeps its own line end: a CR whose LF is still to come makes one CRLF with it, not two lines.
    int eol = bytes[to - 1] == LF ? (to - 2 >= start && bytes[to - 2] == CR ? 2 : 1) : bytes[to - 1] == CR ? 1 : 0;
    out.appendBytes(bytes, from, start - from);
    if (eol == 0) {
      out.appendBuffer(masked);
    } else {
      out.appendBuffer(masked, 0, masked.length() - 1).appendBytes(bytes, to - eol, eol);
    }
  }

  /** The event re-encoded with its strings masked; null when it is no error or has nothing to mask. */
  private Buffer masked(Buffer raw) {
    List<SseEvent> events = new ArrayList<>(1);
    SseDecoder decoder = new SseDecoder(events::add);
    decoder.feed(raw);
    decoder.end();
    if (events.size() != 1) {
      return null;  // only comments or fields without data: nothing a client reads
    }
    SseEvent event = events.getFirst();
    String data = maskedData(event);
    if (data == null) {
      return null;
    }
    Buffer out = Buffer.buffer(data.length() + 32);
    if (event.id() != null) {
      out.appendString("id: ").appendString(event.id()).appendByte(LF);
    }
    return SseEncoder.append(out, new SseEvent(event.event(), data, event.id()));
  }

  private String maskedData(SseEvent event) {
    boolean named = "error".equals(event.event());
    JsonNode root = Json.parseOrNull(event.data());
    if (root instanceof ObjectNode object && (named || isError(object))) {
      ObjectNode masked = Redaction.redactAll(object.deepCopy(), secrets);
      return masked.equals(object) ? null : Json.string(masked);
    }
    if (named) {
      String masked = Redaction.redact(event.data(), secrets);
      return masked.equals(event.data()) ? null : masked;
    }
    return null;
  }

  /** OpenAI's {@code {"error": {...}}}, and the {@code "object"} or {@code "type": "error"} of others. */
  private static boolean isError(ObjectNode object) {
    return object.has("error") || "error".equals(object.path("object").asText())
        || "error".equals(object.path("type").asText());
  }

  /** Whether {@code bytes[from, to)} ends with a blank line, so that it ends an event. */
  private static boolean endsEvent(byte[] bytes, int from, int to) {
    int n = to - from;
    byte last = bytes[to - 1];
    if (last == LF) {
      return n >= 2 && bytes[to - 2] == LF
          || n >= 3 && bytes[to - 2] == CR && (bytes[to - 3] == CR || bytes[to - 3] == LF);
    }
    return last == CR && n >= 2 && (bytes[to - 2] == CR || bytes[to - 2] == LF);
  }

  /**
   * Whether {@code bytes[from, to)} holds {@code "error"} (a JSON key or value) or {@code event:error}: a sign,
   * not a proof. Model output has {@code error} only inside a JSON string, where its quotes would be escaped.
   */
  static boolean mayBeError(byte[] bytes, int from, int to) {
    // Eight bytes at a time, for the o of "error": a word without one costs a few operations and no branch.
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(bytes, i) ^ O;
      // The top bit of each byte that was an o (and of an n right after one: errorAt tells them apart).
      for (long found = (x - ONES) & ~x & HIGH; found != 0; found &= found - 1) {
        if (errorAt(bytes, i + (Long.numberOfTrailingZeros(found) >>> 3) - 3, from, to)) {
          return true;
        }
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == 'o' && errorAt(bytes, i - 3, from, to)) {
        return true;
      }
    }
    return false;
  }

  private static boolean errorAt(byte[] bytes, int at, int from, int to) {
    return at >= from && at + ERROR.length <= to && bytes[at] == 'e' && bytes[at + 1] == 'r' && bytes[at + 2] == 'r'
        && bytes[at + 4] == 'r' && signOfError(bytes, at, from, to);
  }

  private static boolean signOfError(byte[] bytes, int at, int from, int to) {
    if (at > from && bytes[at - 1] == '"') {
      return at + ERROR.length < to && bytes[at + ERROR.length] == '"';
    }
    int colon = at - 1;
    while (colon >= from && bytes[colon] == ' ') {
      colon--;
    }
    return colon - EVENT.length >= from && bytes[colon] == ':'
        && Arrays.equals(bytes, colon - EVENT.length, colon, EVENT, 0, EVENT.length);
  }
}
