package io.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.stream.ChunkTransformer;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.function.Function;

/**
 * Embedding answers from Google (AI Studio's batchEmbedContents, Vertex AI's predict): errors as for Gemini
 * chat, whole bodies through {@code toOpenAi}, which throws when the body is not the expected answer.
 */
public record GoogleEmbeddingCodec(GeminiCodec errors, Function<JsonNode, ObjectNode> toOpenAi)
    implements ResponseCodec {
  @Override
  public ObjectNode error(int status, Buffer body) {
    return errors.error(status, body);
  }

  @Override
  public Duration retryAfter(Buffer body) {
    return errors.retryAfter(body);
  }

  @Override
  public Buffer complete(Buffer body) {
    JsonNode response = Json.parseOrNull(body);
    if (response == null) {
      throw new IllegalArgumentException("expected a JSON embeddings answer");
    }
    return Json.buffer(toOpenAi.apply(response));
  }

  @Override
  public ChunkTransformer streamTransformer() {
    throw new UnsupportedOperationException("embeddings do not stream");
  }
}
