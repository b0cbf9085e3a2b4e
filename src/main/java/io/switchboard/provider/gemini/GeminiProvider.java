package io.switchboard.provider.gemini;

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
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google AI Studio's Gemini API behind the OpenAI chat and embeddings APIs. The key goes in the
 * {@code x-goog-api-key} header, never in the {@code ?key=} query, which access logs would keep.
 */
public final class GeminiProvider implements ChatProvider, EmbeddingProvider {
  private static final Logger LOG = LoggerFactory.getLogger(GeminiProvider.class);
  /** A model id is one URL path segment; anything else could walk the path elsewhere. */
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");

  private final GatewayConfig.Provider config;
  private final UnsupportedParamPolicy policy;
  private final HttpUpstream http;

  public GeminiProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx, HttpClient client) {
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
    return Stream.concat(GeminiModels.CHAT.stream(), GeminiModels.EMBEDDINGS.stream()).toList();
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    List<String> warnings = new ArrayList<>();
    String model = modelId(request.model());
    ObjectNode body = GeminiRequestMapper.toGenerateContentRequest(request.body(), policy, warnings);
    logWarnings(request, warnings);
    boolean includeUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
    String path = "/models/" + model + (request.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent");
    return http.post(path, headers(request.stream()), Json.buffer(body), request,
        new GeminiCodec(config.key(), model, includeUsage, config.apiKey().value()));
  }

  @Override
  public Future<UpstreamResponse> embeddings(UpstreamRequest request) {
    List<String> warnings = new ArrayList<>();
    String model = modelId(request.model());
    ObjectNode body = GeminiEmbeddings.toBatchRequest(request.body(), model,
        new UnsupportedParams(policy, "gemini", warnings));
    logWarnings(request, warnings);
    return http.post("/models/" + model + ":batchEmbedContents", headers(false), Json.buffer(body), request,
        new GoogleEmbeddingCodec(new GeminiCodec(config.key(), model, false, config.apiKey().value()),
            response -> GeminiEmbeddings.toOpenAi(response, request.body(), model)));
  }

  private MultiMap headers(boolean stream) {
    MultiMap headers = http.baseHeaders(stream);
    headers.set("x-goog-api-key", config.apiKey().value());
    return headers;
  }

  private void logWarnings(UpstreamRequest request, List<String> warnings) {
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
  }

  /** The model as a path segment: Google's {@code models/} prefix dropped, anything unsafe refused. */
  static String modelId(String model) {
    String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
    if (!MODEL.matcher(id).matches()) {
      throw ApiException.invalidRequest("model", "invalid_value",
          "model: \"" + (id.length() > 60 ? id.substring(0, 60) + "..." : id)
              + "\" is not a valid Gemini model id (expected: letters, digits, '.', '-', '_', '@')");
    }
    return id;
  }

  @Override
  public Map<String, ParameterSupport> parameters() {
    return GeminiRequestMapper.parameters();
  }
}
