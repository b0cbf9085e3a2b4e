package io.switchboard.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames the {@code chat.completion.chunk} objects of a translated stream as {@code data:} events, writing the
 * JSON straight into the output: the characters Jackson writes are encoded into the buffer as they come, with
 * no JSON string, no byte array of it and no buffer per chunk in between. The bytes are those of
 * {@code SseEncoder.data(Json.string(chunk))}: compact JSON has no line break, and the encoder, like
 * {@code String.getBytes}, turns a lone surrogate into {@code ?}. One per stream: it keeps its encoder.
 */
public final class SseChunkWriter {
  private static final ObjectWriter JSON = Json.MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = {'\n', '\n'};

  private final Target target = new Target();
  private final Writer chars = new OutputStreamWriter(target, StandardCharsets.UTF_8);
  // The last frame's size and some: the next buffer's size per chunk, so that it seldom grows (a copy each time).
  private int frameBytes = 256;

  /** Each chunk as a {@code data:} event, in one buffer (empty for none). */
  public Buffer write(List<ObjectNode> chunks) {
    Buffer out = Buffer.buffer(chunks.size() * frameBytes);  // none for an event that made no chunk
    target.out = out;
    try {
      for (ObjectNode chunk : chunks) {
        out.appendBytes(DATA);
        JSON.writeValue(chars, chunk);  // flushes the encoder into out when done
        out.appendBytes(END);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      target.out = null;
    }
    if (!chunks.isEmpty()) {
      frameBytes = out.length() / chunks.size() + 64;
    }
    return out;
  }

  /** The encoder's output: whichever buffer is being written. */
  private static final class Target extends OutputStream {
    private Buffer out;

    @Override
    public void write(int b) {
      out.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      out.appendBytes(bytes, offset, length);
    }
  }
}
