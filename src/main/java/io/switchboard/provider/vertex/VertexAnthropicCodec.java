package io.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.anthropic.AnthropicErrorMapper;
import io.switchboard.provider.anthropic.AnthropicResponseMapper;
import io.switchboard.provider.anthropic.AnthropicStreamException;
import io.switchboard.provider.anthropic.AnthropicStreamMapper;
import io.switchboard.provider.gemini.GeminiErrorMapper;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEncoder;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    return new StreamTransformer(new AnthropicStreamMapper(includeUsage));
  }

  /** SSE decode, map each Anthropic event to OpenAI chunks, SSE encode; ends with {@code [DONE]}. */
  private static final class StreamTransformer implements ChunkTransformer {
    private final AnthropicStreamMapper mapper;
    private final SseDecoder decoder;
    private final List<ObjectNode> pending = new ArrayList<>();

    StreamTransformer(AnthropicStreamMapper mapper) {
      this.mapper = mapper;
      this.decoder = new SseDecoder(event -> {
        try {
          pending.addAll(mapper.onEvent(event));
        } catch (AnthropicStreamException e) {
          throw new StreamFailure(e.openAiError(), e.status());
        }
      });
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
      decoder.feed(chunk);
      return drain();
    }

    @Override
    public Buffer onEnd() {
      decoder.end();
      try {
        pending.addAll(mapper.onEnd());
      } catch (AnthropicStreamException e) {
        throw new StreamFailure(e.openAiError(), e.status());
      }
      return drain().appendBuffer(SseEncoder.done());
    }

    private Buffer drain() {
      Buffer out = Buffer.buffer();
      for (ObjectNode chunk : pending) {
        out.appendBuffer(SseEncoder.data(Json.string(chunk)));
      }
      pending.clear();
      return out;
    }
  }
}
