package io.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEncoder;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    return new StreamTransformer(new GeminiStreamMapper(includeUsage, requestedModel, secret));
  }

  /** SSE decode, map each Gemini event to OpenAI chunks, SSE encode; ends with {@code [DONE]}. */
  private static final class StreamTransformer implements ChunkTransformer {
    private final GeminiStreamMapper mapper;
    private final SseDecoder decoder;
    private final List<ObjectNode> pending = new ArrayList<>();

    StreamTransformer(GeminiStreamMapper mapper) {
      this.mapper = mapper;
      this.decoder = new SseDecoder(event -> pending.addAll(mapper.onEvent(event.data())));
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
      decoder.feed(chunk);
      return drain();
    }

    @Override
    public Buffer onEnd() {
      decoder.end();
      pending.addAll(mapper.onEnd());
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
