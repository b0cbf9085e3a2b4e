package io.switchboard.stream;

import io.vertx.core.buffer.Buffer;

/**
 * Turns upstream stream bytes into the OpenAI SSE bytes the client gets, one chunk at a time with its
 * own explicit state. Either method may throw {@link StreamFailure} to end the stream with an error.
 */
public interface ChunkTransformer {
  /** Every chunk as it comes: for a stream whose bytes are already the client's (a replayed or re-made answer). */
  ChunkTransformer AS_IS = new ChunkTransformer() {
    @Override
    public Buffer onChunk(Buffer chunk) {
      return chunk;
    }

    @Override
    public Buffer onEnd() {
      return Buffer.buffer();
    }
  };

  /** Output for one upstream chunk; an empty buffer when the chunk completed no event. */
  Buffer onChunk(Buffer chunk);

  /** Output owed when the upstream ends, or a {@link StreamFailure} when it ended too early. */
  Buffer onEnd();

  /** This transformer's output fed to {@code next}. */
  default ChunkTransformer andThen(ChunkTransformer next) {
    ChunkTransformer first = this;
    return new ChunkTransformer() {
      @Override
      public Buffer onChunk(Buffer chunk) {
        return next.onChunk(first.onChunk(chunk));
      }

      @Override
      public Buffer onEnd() {
        Buffer last = first.onEnd();
        return next.onChunk(last).appendBuffer(next.onEnd());
      }
    };
  }
}
