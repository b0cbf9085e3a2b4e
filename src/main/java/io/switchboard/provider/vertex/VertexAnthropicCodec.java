package io.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.anthropic.AnthropicErrorMapper;
import io.switchboard.provider.anthropic.AnthropicResponseMapper;
import io.switchboard.provider.anthropic.AnthropicSseStream;
import io.switchboard.provider.gemini.GeminiErrorMapper;
import io.switchboard.stream.ChunkTransformer;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * Anthropic models on Vertex AI answer in Anthropic's Messages format; errors come from Anthropic
 * ({@code {"type":"error","error":{"type",...}}}) or from Google's front door ({@code {"error":{"status",...}}}).
 */
record VertexAnthropicCodec(String provider, boolean includeUsage, String secret) implements ResponseCodec {
  @Override
  public ObjectNode error(int status, Buffer body) {
    JsonNode root = Json.parseOrNull(body);
    if (root != null && root.path("error").path("type").isTextual()) {
      return AnthropicErrorMapper.toOpenAiError(status, body);
    }
    return GeminiErrorMapper.toOpenAiError(status, body, provider, secret);
  }

  @Override
  public Duration retryAfter(Buffer body) {
    return GeminiErrorMapper.retryDelay(body);
  }

  @Override
  public Buffer complete(Buffer body) {
    JsonNode message = Json.parseOrNull(body);
    if (message == null || !"message".equals(message.path("type").asText())) {
      throw new IllegalArgumentException("expected an Anthropic message object");
    }
    return Json.buffer(AnthropicResponseMapper.toChatCompletion(message));
  }

  @Override
  public ChunkTransformer streamTransformer() {
    return AnthropicSseStream.of(includeUsage);
  }
}
