package io.switchboard.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseChunkWriterTest {
  // ASCII, 2- and 3-byte characters, a surrogate pair, lone surrogates, characters JSON escapes.
  private static final String[] PIECES = {"a", "Hi ", "é", "€", "😀", "\uD83D", "\uDE00", "\n", "\r", "\"", "\\",
      "\u0000", "\t", "</script>"};

  /** The reference: the JSON as a string, UTF-8 encoded by the JDK, framed by SseEncoder. */
  private static Buffer expected(List<ObjectNode> chunks) {
    Buffer out = Buffer.buffer();
    chunks.forEach(c -> out.appendBuffer(SseEncoder.data(Json.string(c))));
    return out;
  }

  private static String text(Random random, int maxPieces) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(maxPieces + 1); n > 0; n--) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  @Test
  void writesTheBytesOfTheJsonStringFramed() {
    SseChunkWriter writer = new SseChunkWriter();  // one for all rounds, as for a stream's chunks
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<ObjectNode> chunks = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        ObjectNode chunk = ChatChunks.chunk("chatcmpl-1", 1, "m", 0, random.nextBoolean());
        // Now and then longer than the encoder's and Jackson's buffers, so both flush mid-chunk.
        ChatChunks.delta(chunk).put("content", text(random, random.nextInt(10) == 0 ? 6000 : 12));
        chunks.add(chunk);
      }
      // Latin-1 maps each byte to one character: a byte-exact comparison with a readable diff.
      assertThat(writer.write(chunks).toString(StandardCharsets.ISO_8859_1)).as("round %d", round)
          .isEqualTo(expected(chunks).toString(StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void noChunksNoBytes() {
    assertThat(new SseChunkWriter().write(List.of()).length()).isZero();
  }
}
