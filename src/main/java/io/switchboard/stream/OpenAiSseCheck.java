package io.switchboard.stream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Passthrough of OpenAI SSE bytes, unchanged. It only watches for the closing {@code data: [DONE]} so a
 * stream the upstream cut short ends with an error event instead of looking complete.
 */
public final class OpenAiSseCheck implements ChunkTransformer {
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
  // The tail of the bytes seen so far, enough to find [DONE] split across chunks.
  private final byte[] tail = new byte[64];
  private int tailLength;

  @Override
  public Buffer onChunk(Buffer chunk) {
    int n = chunk.length();
    int keep = Math.min(n, tail.length);
    int shift = Math.min(tailLength, tail.length - keep);
    System.arraycopy(tail, tailLength - shift, tail, 0, shift);
    chunk.getBytes(n - keep, n, tail, shift);
    tailLength = shift + keep;
    return chunk;
  }

  @Override
  public Buffer onEnd() {
    if (!sawDone()) {
      throw StreamFailure.of("The upstream stream ended before it was complete.", "api_error",
          "upstream_stream_truncated");
    }
    return Buffer.buffer();
  }

  private boolean sawDone() {
    outer:
    for (int i = tailLength - DONE.length; i >= 0; i--) {
      for (int j = 0; j < DONE.length; j++) {
        if (tail[i + j] != DONE[j]) {
          continue outer;
        }
      }
      // Only whitespace may follow [DONE].
      for (int k = i + DONE.length; k < tailLength; k++) {
        if (!Character.isWhitespace(tail[k])) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
