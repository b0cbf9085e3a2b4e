package io.switchboard.provider.anthropic;

import io.switchboard.stream.MappedSseStream;
import io.switchboard.stream.StreamFailure;

/**
 * An Anthropic Messages stream as OpenAI chunks, wherever it comes from (Anthropic, Vertex AI): an error event
 * or a stream that ends before {@code message_stop} ends the client's stream with an error, not as complete.
 */
public final class AnthropicSseStream {
  private AnthropicSseStream() {}

  public static MappedSseStream of(boolean includeUsage) {
    AnthropicStreamMapper mapper = new AnthropicStreamMapper(includeUsage);
    boolean[] stopped = {false};
    return new MappedSseStream(event -> {
      if ("message_stop".equals(event.event())) {
        stopped[0] = true;
      }
      try {
        return mapper.onEvent(event);
      } catch (AnthropicStreamException e) {
        throw new StreamFailure(e.openAiError(), e.status());
      }
    }, () -> {
      var closing = mapper.onEnd();
      if (!stopped[0]) {
        throw StreamFailure.of("The Anthropic stream ended before message_stop.", "api_error",
            "upstream_stream_truncated");
      }
      return closing;
    });
  }
}
