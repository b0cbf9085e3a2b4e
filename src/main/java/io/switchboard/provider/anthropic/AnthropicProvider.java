package io.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.HttpUpstream;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ParameterSupport;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.stream.ChunkTransformer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anthropic's Messages API behind the OpenAI chat API: the request is translated by
 * {@link AnthropicRequestMapper}, answers by {@link AnthropicResponseMapper}, and streams event by event
 * by {@link AnthropicStreamMapper} between an SSE decoder and encoder.
 */
public final class AnthropicProvider implements ChatProvider {
  static final String API_VERSION = "2023-06-01";
  private static final Logger LOG = LoggerFactory.getLogger(AnthropicProvider.class);
  /** Current models for {@code /v1/models}; every Claude model reads images except 3.5 Haiku. */
  private static final List<ModelInfo> MODELS = List.of(
      ModelInfo.chat("claude-sonnet-4-5", 200_000, true),
      ModelInfo.chat("claude-opus-4-1", 200_000, true),
      ModelInfo.chat("claude-haiku-4-5", 200_000, true),
      ModelInfo.chat("claude-3-7-sonnet-latest", 200_000, true),
      ModelInfo.chat("claude-3-5-sonnet-20241022", 200_000, true),
      ModelInfo.chat("claude-3-5-haiku-latest", 200_000, false));

  private final GatewayConfig.Provider config;
  private final UnsupportedParamPolicy policy;
  private final HttpUpstream http;

  public AnthropicProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx,
      HttpClient client) {
    this.config = config;
    this.policy = policy;
    this.http = new HttpUpstream(vertx, client, config);
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  @Override
  public List<ModelInfo> knownModels() {
    return MODELS;
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    List<String> warnings = new ArrayList<>();
    ObjectNode body = AnthropicRequestMapper.toMessagesRequest(request.body(), request.model(), policy, warnings);
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
    MultiMap headers = http.baseHeaders(request.stream());
    if (!config.headers().containsKey("anthropic-version")) {
      headers.set("anthropic-version", API_VERSION);
    }
    headers.set("x-api-key", config.apiKey().value());
    boolean includeUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
    return http.post("/messages", headers, Json.buffer(body), request, new Codec(includeUsage));
  }

  private record Codec(boolean includeUsage) implements ResponseCodec {
    @Override
    public ObjectNode error(int status, Buffer body) {
      return AnthropicErrorMapper.toOpenAiError(status, body);
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

  @Override
  public Map<String, ParameterSupport> parameters() {
    return AnthropicRequestMapper.parameters();
  }
}
