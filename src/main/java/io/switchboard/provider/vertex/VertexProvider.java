package io.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.EmbeddingProvider;
import io.switchboard.provider.HttpUpstream;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ParameterSupport;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.anthropic.AnthropicRequestMapper;
import io.switchboard.provider.gemini.GeminiCodec;
import io.switchboard.provider.gemini.GeminiModels;
import io.switchboard.provider.gemini.GeminiRequestMapper;
import io.switchboard.provider.gemini.GoogleEmbeddingCodec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google Cloud Vertex AI: Gemini models through generateContent (the Gemini mappers), Anthropic models
 * ({@code claude-*}) through rawPredict with Anthropic's Messages body (the Anthropic mappers), both with
 * an OAuth2 access token from the configured service account or Application Default Credentials (else an
 * API key). Text embedding models through
 * {@code :predict}.
 */
public final class VertexProvider implements ChatProvider, EmbeddingProvider {
  static final String ANTHROPIC_VERSION = "vertex-2023-10-16";
  private static final Logger LOG = LoggerFactory.getLogger(VertexProvider.class);
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
  private static final List<ModelInfo> CLAUDE = List.of(
      ModelInfo.chat("claude-opus-4-5@20251101", 200_000, true),
      ModelInfo.chat("claude-sonnet-4-5@20250929", 200_000, true),
      ModelInfo.chat("claude-haiku-4-5@20251001", 200_000, true),
      ModelInfo.chat("claude-opus-4-1@20250805", 200_000, true),
      ModelInfo.chat("claude-sonnet-4@20250514", 200_000, true));
  /** Text embedding models served through {@code :predict}; each reads up to 2,048 tokens per input. */
  private static final List<ModelInfo> EMBEDDINGS = List.of(
      ModelInfo.embedding("gemini-embedding-001", 2048),
      ModelInfo.embedding("text-embedding-005", 2048),
      ModelInfo.embedding("text-multilingual-embedding-002", 2048));

  /**
   * Every event loop builds its own providers from the same config; they share one ADC token cache, so the
   * search, its failure log line and each refresh happen once. Dropped with the config (a reload builds anew).
   */
  private static final Map<GatewayConfig.Provider, SharedAdc> SHARED_ADC = new WeakHashMap<>();

  private final GatewayConfig.Provider config;
  private final VertexOptions options;
  private final UnsupportedParamPolicy policy;
  private final HttpUpstream http;
  private final TokenSupply tokens;

  public VertexProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx, HttpClient client) {
    this.config = config;
    this.options = (VertexOptions) config.options();
    this.policy = policy;
    this.http = new HttpUpstream(vertx, client, config,
        config.baseUrl() != null ? config.baseUrl() : options.defaultBaseUrl());
    this.tokens = tokens(config, options, vertx, client);
  }

  /**
   * A configured service account wins; with an API key (VERTEX_AI_API_KEY, as Ferro reads it) no token is ever
   * fetched; with neither, Application Default Credentials, searched and refreshed on a worker thread.
   */
  private static TokenSupply tokens(GatewayConfig.Provider config, VertexOptions options, Vertx vertx,
      HttpClient client) {
    if (options.credentials() != null) {
      return new AccessTokens(client, options.credentials(), config.key(), Clock.systemUTC(),
          config.connectTimeout().plus(config.connectTimeout()));
    }
    if (options.adc() == null) {
      return null;
    }
    synchronized (SHARED_ADC) {
      SharedAdc shared = SHARED_ADC.get(config);
      if (shared == null || shared.vertx() != vertx) {
        AdcTokens adc = new AdcTokens(new ApplicationDefaultCredentials(options.adc(), Clock.systemUTC()),
            fetch -> vertx.executeBlocking(fetch, false), config.key(), Clock.systemUTC());
        adc.prefetch();
        shared = new SharedAdc(vertx, adc);
        SHARED_ADC.put(config, shared);
      }
      return shared.tokens();
    }
  }

  private record SharedAdc(Vertx vertx, AdcTokens tokens) {}

  /** An access token for the service account; the API key itself when there is none. */
  private Future<String> credential() {
    return tokens != null ? tokens.token() : Future.succeededFuture(config.apiKey().value());
  }

  private void authorize(MultiMap headers, String credential) {
    if (tokens != null) {
      headers.set("authorization", "Bearer " + credential);
    } else {
      headers.set("x-goog-api-key", credential);
    }
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  @Override
  public List<ModelInfo> knownModels() {
    return Stream.of(GeminiModels.CHAT, CLAUDE, EMBEDDINGS).flatMap(List::stream).toList();
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    String model = request.model();
    if (!MODEL.matcher(model).matches()) {
      return Future.failedFuture(invalidModel());
    }
    List<String> warnings = new ArrayList<>();
    boolean includeUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
    boolean claude = model.startsWith("claude-");
    ObjectNode body;
    String method;
    String publisher;
    try {
      if (claude) {
        body = AnthropicRequestMapper.toMessagesRequest(request.body(), model, policy, warnings);
        body.remove("model"); // in the URL; Vertex refuses it in the body
        body.put("anthropic_version", ANTHROPIC_VERSION);
        publisher = "anthropic";
        method = request.stream() ? ":streamRawPredict" : ":rawPredict";
      } else {
        body = GeminiRequestMapper.toGenerateContentRequest(request.body(), policy, warnings);
        publisher = "google";
        method = request.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent";
      }
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
    String path = "/projects/" + options.project() + "/locations/" + options.region() + "/publishers/"
        + publisher + "/models/" + model + method;
    return credential().compose(token -> {
      MultiMap headers = http.baseHeaders(request.stream());
      authorize(headers, token);
      return http.post(path, headers, Json.buffer(body), request, claude
          ? new VertexAnthropicCodec(config.key(), includeUsage, token)
          : new GeminiCodec(config.key(), model, includeUsage, token));
    });
  }

  @Override
  public Future<UpstreamResponse> embeddings(UpstreamRequest request) {
    String model = request.model();
    if (!MODEL.matcher(model).matches()) {
      return Future.failedFuture(invalidModel());
    }
    List<String> warnings = new ArrayList<>();
    ObjectNode body;
    try {
      body = VertexEmbeddings.toPredictRequest(request.body(), new UnsupportedParams(policy, "vertex-ai", warnings));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
    String path = "/projects/" + options.project() + "/locations/" + options.region()
        + "/publishers/google/models/" + model + ":predict";
    return credential().compose(token -> {
      MultiMap headers = http.baseHeaders(false);
      authorize(headers, token);
      return http.post(path, headers, Json.buffer(body), request, new GoogleEmbeddingCodec(
          new GeminiCodec(config.key(), model, false, token),
          response -> VertexEmbeddings.toOpenAi(response, request.body(), model)));
    });
  }

  private static ApiException invalidModel() {
    return ApiException.invalidRequest("model", "invalid_value",
        "model: not a valid Vertex AI model id (expected: letters, digits, '.', '-', '_', '@')");
  }

  /** Gemini's table: the models Vertex serves by default. Claude models on Vertex follow Anthropic's. */
  @Override
  public Map<String, ParameterSupport> parameters() {
    return GeminiRequestMapper.parameters();
  }
}
