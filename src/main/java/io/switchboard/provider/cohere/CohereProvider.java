package io.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.EmbeddingProvider;
import io.switchboard.provider.HttpUpstream;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ParameterSupport;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MappedSseStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cohere's v2 API behind the OpenAI API: chat through {@link CohereRequestMapper}, answers through
 * {@link CohereResponseMapper}, streams event by event through {@link CohereStreamMapper}, embeddings
 * through {@link CohereEmbeddings}. Bearer auth with the API key.
 */
public final class CohereProvider implements ChatProvider, EmbeddingProvider {
  private static final Logger LOG = LoggerFactory.getLogger(CohereProvider.class);
  private static final List<ModelInfo> MODELS = List.of(
      ModelInfo.chat("command-a-03-2025", 256_000, false),
      ModelInfo.chat("command-a-reasoning-08-2025", 256_000, false),
      ModelInfo.chat("command-a-vision-07-2025", 128_000, true),
      ModelInfo.chat("command-r7b-12-2024", 128_000, false),
      ModelInfo.chat("command-r-plus-08-2024", 128_000, false),
      ModelInfo.chat("command-r-08-2024", 128_000, false),
      ModelInfo.chat("command-r-plus", 128_000, false),
      ModelInfo.chat("command-r", 128_000, false),
      ModelInfo.embedding("embed-v4.0", 128_000),
      ModelInfo.embedding("embed-english-v3.0", 512),
      ModelInfo.embedding("embed-multilingual-v3.0", 512),
      ModelInfo.embedding("embed-english-light-v3.0", 512),
      ModelInfo.embedding("embed-multilingual-light-v3.0", 512));

  private final GatewayConfig.Provider config;
  private final UnsupportedParamPolicy policy;
  private final HttpUpstream http;
  private final CharSequence authorization;

  public CohereProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx,
      HttpClient client) {
    this.config = config;
    this.policy = policy;
    this.http = new HttpUpstream(vertx, client, config);
    this.authorization = HttpHeaders.createOptimized("Bearer " + config.apiKey().value());
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  @Override
  public List<ModelInfo> knownModels() {
    if (config.models().isEmpty() || config.models().contains("*")) {
      return MODELS;
    }
    return config.models().stream()
        .map(id -> MODELS.stream().filter(m -> m.id().equals(id)).findFirst().orElse(ModelInfo.chat(id, 0, false)))
        .toList();
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    List<String> warnings = new ArrayList<>();
    ObjectNode body = CohereRequestMapper.toChatRequest(request.body(), request.model(), policy, warnings);
    logWarnings(request, warnings);
    boolean includeUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
    return http.post("/chat", headers(request), Json.buffer(body), request,
        new ChatCodec(config, request.model(), includeUsage));
  }

  @Override
  public Future<UpstreamResponse> embeddings(UpstreamRequest request) {
    List<String> warnings = new ArrayList<>();
    ObjectNode body = CohereEmbeddings.toEmbedRequest(request.body(), request.model(),
        new UnsupportedParams(policy, "cohere", warnings));
    logWarnings(request, warnings);
    return http.post("/embed", headers(request), Json.buffer(body), request,
        new EmbedCodec(config, request.model(), CohereEmbeddings.base64(request.body())));
  }

  private MultiMap headers(UpstreamRequest request) {
    MultiMap headers = http.baseHeaders(request.stream());
    headers.set(HttpHeaders.AUTHORIZATION, authorization);
    return headers;
  }

  private void logWarnings(UpstreamRequest request, List<String> warnings) {
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
  }

  private record ChatCodec(GatewayConfig.Provider config, String model, boolean includeUsage)
      implements ResponseCodec {
    @Override
    public ObjectNode error(int status, Buffer body) {
      return CohereErrorMapper.toOpenAiError(config.key(), status, body, config.apiKey().value());
    }

    @Override
    public Buffer complete(Buffer body) {
      JsonNode response = Json.parseOrNull(body);
      if (response == null || !response.path("message").isObject()) {
        throw new IllegalArgumentException("expected a Cohere chat response");
      }
      String reason = response.path("finish_reason").asText("");
      if (CohereResponseMapper.failed(reason)) {
        throw new IllegalArgumentException("Cohere ended the generation with " + reason);
      }
      return Json.buffer(CohereResponseMapper.toChatCompletion(response, model));
    }

    @Override
    public ChunkTransformer streamTransformer() {
      return stream(new CohereStreamMapper(model, includeUsage));
    }
  }

  private record EmbedCodec(GatewayConfig.Provider config, String model, boolean base64) implements ResponseCodec {
    @Override
    public ObjectNode error(int status, Buffer body) {
      return CohereErrorMapper.toOpenAiError(config.key(), status, body, config.apiKey().value());
    }

    @Override
    public Buffer complete(Buffer body) {
      JsonNode response = Json.parseOrNull(body);
      if (response == null) {
        throw new IllegalArgumentException("expected a Cohere embed response");
      }
      return Json.buffer(CohereEmbeddings.toOpenAi(response, model, base64));
    }

    @Override
    public ChunkTransformer streamTransformer() {
      throw new UnsupportedOperationException("embeddings do not stream");
    }
  }

  /** SSE decode, map each Cohere event to OpenAI chunks, SSE encode; ends with {@code [DONE]}. */
  static MappedSseStream stream(CohereStreamMapper mapper) {
    return new MappedSseStream(mapper::onEvent, mapper::onEnd);
  }

  @Override
  public Map<String, ParameterSupport> parameters() {
    return CohereRequestMapper.parameters();
  }
}
