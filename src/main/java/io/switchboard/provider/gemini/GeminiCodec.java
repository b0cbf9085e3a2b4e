package io.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MappedSseStream;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * How Gemini's generateContent answers become OpenAI answers, for AI Studio and Vertex AI alike:
 * {@code provider} names the upstream in error messages, {@code secret} is masked in them.
 */
public record GeminiCodec(String provider, String requestedModel, boolean includeUsage, String secret)
    implements ResponseCodec {
  @Override
  public ObjectNode error(int status, Buffer body) {
    return GeminiErrorMapper.toOpenAiError(status, body, provider, secret);
  }

  @Override
  public Duration retryAfter(Buffer body) {
    return GeminiErrorMapper.retryDelay(body);
  }

  @Override
  public Buffer complete(Buffer body) {
    JsonNode response = Json.parseOrNull(body);
    if (response == null || !response.isObject() || !(response.has("candidates") || response.has("promptFeedback"))) {
      throw new IllegalArgumentException("expected a Gemini GenerateContentResponse");
    }
    return Json.buffer(GeminiResponseMapper.toChatCompletion(response, requestedModel));
  }

  @Override
  public ChunkTransformer streamTransformer() {
    GeminiStreamMapper mapper = new GeminiStreamMapper(includeUsage, requestedModel, secret);
    return new MappedSseStream(event -> mapper.onEvent(event.data()), mapper::onEnd);
  }
}
