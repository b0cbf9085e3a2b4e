package io.switchboard.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.CompletionProvider;
import io.switchboard.provider.EmbeddingProvider;
import io.switchboard.provider.HttpUpstream;
import io.switchboard.provider.ModelIds;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UpstreamErrors;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.openai.OpenAiCodec;
import io.switchboard.stream.ChunkTransformer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Azure OpenAI: the OpenAI API under a resource endpoint, a passthrough like OpenAI's. Calls go to
 * {@code /openai/deployments/{deployment}/...?api-version=...}, where the deployment is the upstream model
 * name (a target's model_map maps public names to deployments), or with {@code api_version: v1} to
 * {@code /openai/v1/...} with the model in the body. Auth is the api-key header, or a Microsoft Entra
 * bearer token.
 */
public final class AzureOpenAiProvider implements ChatProvider, CompletionProvider, EmbeddingProvider {
  private static final CharSequence API_KEY = HttpHeaders.createOptimized("api-key");

  private final GatewayConfig.Provider config;
  private final AzureOptions options;
  private final HttpUpstream http;
  private final ResponseCodec codec;
  private final CharSequence authHeader;
  private final CharSequence authValue;

  public AzureOpenAiProvider(GatewayConfig.Provider config, Vertx vertx, HttpClient client) {
    this.config = config;
    this.options = (AzureOptions) config.options();
    // base_url (or AZURE_OPENAI_BASE_URL) wins; AZURE_OPENAI_ENDPOINT was read only in its absence.
    this.http = new HttpUpstream(vertx, client, config, config.baseUrl() != null ? config.baseUrl() : options.endpoint());
    this.codec = new Codec(new OpenAiCodec(config), config.apiKey().value(),
        options.adToken() == null ? "" : options.adToken().value());
    if (options.adToken() != null) {
      this.authHeader = HttpHeaders.AUTHORIZATION;
      this.authValue = HttpHeaders.createOptimized("Bearer " + options.adToken().value());
    } else {
      this.authHeader = API_KEY;
      this.authValue = HttpHeaders.createOptimized(config.apiKey().value());
    }
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  /** Deployments are the user's own names: only the configured ones are listed. */
  @Override
  public List<ModelInfo> knownModels() {
    return config.models().stream().filter(m -> !m.equals("*")).map(m -> ModelInfo.chat(m, 0, false)).toList();
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    return send("chat/completions", request);
  }

  @Override
  public Future<UpstreamResponse> completions(UpstreamRequest request) {
    return send("completions", request);
  }

  @Override
  public Future<UpstreamResponse> embeddings(UpstreamRequest request) {
    return send("embeddings", request);
  }

  /** The request path under the endpoint for {@code operation} on {@code deployment}. */
  String path(String operation, String deployment) {
    if (options.v1()) {
      return "/openai/v1/" + operation;
    }
    return "/openai/deployments/" + ModelIds.pathSegment(deployment)
        + "/" + operation + "?api-version=" + URLEncoder.encode(options.apiVersion(), StandardCharsets.UTF_8);
  }

  private Future<UpstreamResponse> send(String operation, UpstreamRequest request) {
    MultiMap headers = http.baseHeaders(request.stream());
    headers.set(authHeader, authValue);
    String deployment = options.deployment() != null ? options.deployment() : request.model();
    return http.post(path(operation, deployment), headers, request.passthroughBytes(), request, codec);
  }

  /**
   * OpenAI's codec, plus what Azure adds to errors: a content-filter refusal keeps its {@code innererror}
   * (which categories fired, at what severity), and Azure's gateway errors ({@code {"statusCode",
   * "message"}}) keep their message.
   */
  record Codec(OpenAiCodec openAi, String apiKey, String adToken) implements ResponseCodec {
    @Override
    public ObjectNode error(int status, Buffer body) {
      JsonNode parsed = Json.parseOrNull(body);
      if (parsed != null && !parsed.has("error") && parsed.path("message").isTextual()) {
        return OpenAiErrors.body(redact(parsed.get("message").asText()),
            OpenAiErrors.typeForStatus(status), null,
            parsed.path("statusCode").isNumber() ? parsed.get("statusCode").asText() : null);
      }
      ObjectNode out = openAi.error(status, body);
      ObjectNode error = (ObjectNode) out.get("error");
      error.put("message", redact(error.path("message").asText()));
      JsonNode inner = parsed == null ? null : parsed.path("error").get("innererror");
      if (inner != null && inner.isObject()) {
        error.set("innererror", inner);
      }
      return out;
    }

    private String redact(String message) {
      return UpstreamErrors.redact(UpstreamErrors.redact(message, apiKey), adToken);
    }

    @Override
    public Buffer complete(Buffer body) {
      return openAi.complete(body);
    }

    @Override
    public ChunkTransformer streamTransformer() {
      return openAi.streamTransformer();
    }
  }
}
