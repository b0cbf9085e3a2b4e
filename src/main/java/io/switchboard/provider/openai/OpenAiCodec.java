package io.switchboard.provider.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UpstreamErrors;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.OpenAiSseCheck;
import io.vertx.core.buffer.Buffer;

/**
 * Answers of any server speaking the OpenAI API (OpenAI, the presets, Azure OpenAI): bodies and streams
 * pass through after a cheap check, errors keep their OpenAI shape with the provider's key in the message.
 */
public record OpenAiCodec(GatewayConfig.Provider config) implements ResponseCodec {
  @Override
  public ObjectNode error(int status, Buffer body) {
    return UpstreamErrors.fromOpenAiCompatible(config.key(), status, body, config.apiKey().value());
  }

  @Override
  public Buffer complete(Buffer body) {
    // Passthrough forwards the bytes untouched and unparsed; a look at both ends catches an HTML page
    // sent as 200 and a body cut short, so they fail over instead of reaching the client.
    int first = 0;
    int last = body.length() - 1;
    while (first <= last && isSpace(body.getByte(first))) {
      first++;
    }
    while (last > first && isSpace(body.getByte(last))) {
      last--;
    }
    if (first >= last || body.getByte(first) != '{' || body.getByte(last) != '}') {
      throw new IllegalArgumentException("expected a complete JSON object");
    }
    return repairsToolCalls() ? ToolCallRepair.complete(body) : body;
  }

  /** The preset's servers leave out parts of tool calls that OpenAI clients need (see {@link ToolCallRepair}). */
  private boolean repairsToolCalls() {
    return config.preset() != null && config.preset().quirks().repairToolCalls();
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  @Override
  public ChunkTransformer streamTransformer() {
    ChunkTransformer check = new OpenAiSseCheck();
    return repairsToolCalls() ? check.andThen(new ToolCallRepair.Stream()) : check;
  }
}
