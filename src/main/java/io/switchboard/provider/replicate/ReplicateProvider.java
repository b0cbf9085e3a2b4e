package io.switchboard.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ProviderType;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.HttpUpstream;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamErrors;
import io.switchboard.provider.UpstreamException;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MappedSseStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicate's predictions API behind the OpenAI chat API. A chat creates a prediction with {@code Prefer: wait}
 * and, when it is still running after Replicate's wait, polls it until it ends; a stream creates a prediction
 * and follows the stream URL it names. Bearer auth with the API token. Which models it serves is configuration
 * ({@code models}, or REPLICATE_TEXT_MODELS): Replicate hosts any model, most of them not language models.
 */
public final class ReplicateProvider implements ChatProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicateProvider.class);
  /** Between two polls of a running prediction. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  /** The least time a poll is given: a timer of 0 ms would end it before it is sent. */
  private static final Duration MIN_POLL_TIMEOUT = Duration.ofMillis(10);
  /** The language models served when the config names none: Ferro's defaults. */
  static final List<String> DEFAULT_MODELS = List.of("meta/meta-llama-3.1-405b-instruct",
      "meta/meta-llama-3.1-70b-instruct", "meta/meta-llama-3.1-8b-instruct");

  private final GatewayConfig.Provider config;
  private final UnsupportedParamPolicy policy;
  private final Vertx vertx;
  private final HttpUpstream http;
  private final String baseUrl;
  private final CharSequence authorization;

  public ReplicateProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx,
      HttpClient client) {
    this.config = config;
    this.policy = policy;
    this.vertx = vertx;
    this.http = new HttpUpstream(vertx, client, config);
    this.baseUrl = config.baseUrl();
    this.authorization = HttpHeaders.createOptimized("Bearer " + config.apiKey().value());
  }

  /** An entry when REPLICATE_API_TOKEN is set, serving the models REPLICATE_TEXT_MODELS lists (comma-separated). */
  public static Optional<ObjectNode> fromEnvironment(Map<String, String> env) {
    if (env.getOrDefault("REPLICATE_API_TOKEN", "").isBlank()) {
      return Optional.empty();
    }
    String name = ProviderType.REPLICATE.configName();
    ObjectNode entry = JsonNodeFactory.instance.objectNode().put("key", name).put("provider", name);
    List<String> models = Arrays.stream(env.getOrDefault("REPLICATE_TEXT_MODELS", "").split(","))
        .map(String::strip).filter(m -> !m.isEmpty()).toList();
    if (!models.isEmpty()) {
      ArrayNode list = entry.putArray("models");
      models.forEach(list::add);
    }
    return Optional.of(entry);
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  @Override
  public List<ModelInfo> knownModels() {
    List<String> listed = config.models().stream().filter(m -> !m.equals("*")).toList();
    return (listed.isEmpty() ? DEFAULT_MODELS : listed).stream().map(m -> ModelInfo.chat(m, 0, false)).toList();
  }

  /** A listed {@code owner/name:version} serves requests for {@code owner/name} too, pinned to that version. */
  @Override
  public boolean serves(String model) {
    return ChatProvider.super.serves(model) || pinned(model) != null;
  }

  private String pinned(String model) {
    return config.models().stream().filter(m -> m.startsWith(model + ":")).findFirst().orElse(null);
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    String model = pinned(request.model()) != null ? pinned(request.model()) : request.model();
    ReplicateRequestMapper.Target target = ReplicateRequestMapper.target(model);
    List<String> warnings = new ArrayList<>();
    ObjectNode body = ReplicateRequestMapper.toPrediction(request.body(), target, request.stream(),
        new UnsupportedParams(policy, "replicate", warnings));
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
    long deadline = System.nanoTime() + timeout(request).toNanos();
    UpstreamRequest create = request.stream() ? request.withStream(false) : request;
    MultiMap headers = headers(false);
    if (!request.stream()) {
      headers.set("Prefer", "wait");
    }
    Future<JsonNode> prediction = http.post(target.path(), headers, Json.buffer(body), create, PredictionCodec.of(config))
        .map(ReplicateProvider::json);
    if (request.stream()) {
      return prediction.compose(p -> follow(p, request));
    }
    return prediction.compose(p -> finish(p, request, deadline));
  }

  /** A finished prediction as the answer, a failed one as an error, a running one polled again. */
  private Future<UpstreamResponse> finish(JsonNode prediction, UpstreamRequest request, long deadline) {
    return switch (ReplicateResponseMapper.state(prediction)) {
      case SUCCEEDED -> Future.succeededFuture(new UpstreamResponse.Complete(
          Json.buffer(ReplicateResponseMapper.toChatCompletion(prediction, request.model())), null));
      case FAILED -> Future.failedFuture(UpstreamException.protocol(config.key(),
          UpstreamErrors.redact(ReplicateResponseMapper.failure(prediction), config.apiKey().value())));
      case RUNNING -> poll(prediction, request, deadline);
    };
  }

  private Future<UpstreamResponse> poll(JsonNode prediction, UpstreamRequest request, long deadline) {
    long left = deadline - System.nanoTime();
    String id = prediction.path("id").asText("");
    if (left <= 0) {
      return Future.failedFuture(UpstreamException.timeout(config.key(), timeout(request)));
    }
    if (id.isEmpty() || !id.matches("[A-Za-z0-9_-]+")) {
      return Future.failedFuture(UpstreamException.protocol(config.key(), "a running prediction without a valid id"));
    }
    Promise<Void> wait = Promise.promise();
    vertx.setTimer(POLL_INTERVAL.toMillis(), t -> wait.complete());
    URI url = URI.create(baseUrl + "/predictions/" + id);
    return wait.future()
        .compose(v -> http.get(url, headers(false), request.withTimeout(Duration.ofNanos(Math.max(MIN_POLL_TIMEOUT.toNanos(), left))),
            PredictionCodec.of(config)))
        .map(ReplicateProvider::json)
        .compose(p -> finish(p, request, deadline));
  }

  /** Follows the stream URL of a prediction made with {@code stream: true}. */
  private Future<UpstreamResponse> follow(JsonNode prediction, UpstreamRequest request) {
    if (ReplicateResponseMapper.state(prediction) == ReplicateResponseMapper.State.FAILED) {
      return Future.failedFuture(UpstreamException.protocol(config.key(),
          UpstreamErrors.redact(ReplicateResponseMapper.failure(prediction), config.apiKey().value())));
    }
    String stream = prediction.path("urls").path("stream").asText(prediction.path("stream_url").asText(""));
    URI url;
    try {
      url = URI.create(stream);
    } catch (IllegalArgumentException e) {
      url = null;
    }
    if (url == null || url.getHost() == null || !trusted(url)) {
      return Future.failedFuture(UpstreamException.protocol(config.key(),
          "the prediction has no stream URL on Replicate's hosts (does the model stream?)"));
    }
    String id = prediction.path("id").asText("");
    return http.get(url, headers(true), request, new StreamCodec(config, id, request.model()));
  }

  /** The token goes only to the API's own host, or to Replicate's own streaming hosts over https. */
  private boolean trusted(URI url) {
    String host = url.getHost().toLowerCase(Locale.ROOT);
    return http.sameOrigin(url) || "https".equals(url.getScheme()) && host.endsWith(".replicate.com");
  }

  private MultiMap headers(boolean stream) {
    MultiMap headers = http.baseHeaders(stream);
    headers.set(HttpHeaders.AUTHORIZATION, authorization);
    return headers;
  }

  private Duration timeout(UpstreamRequest request) {
    return request.timeout() == null ? config.timeout() : request.timeout();
  }

  private static JsonNode json(UpstreamResponse response) {
    return Json.parseOrNull(((UpstreamResponse.Complete) response).body());
  }

  /** Passes a prediction object through whole; the provider decides what it means. */
  private record PredictionCodec(GatewayConfig.Provider config) implements ResponseCodec {
    static PredictionCodec of(GatewayConfig.Provider config) {
      return new PredictionCodec(config);
    }

    @Override
    public ObjectNode error(int status, Buffer body) {
      return error(config, status, body);
    }

    static ObjectNode error(GatewayConfig.Provider config, int status, Buffer body) {
      // Replicate answers errors as problem details: {"title", "detail", "status"}.
      JsonNode parsed = Json.parseOrNull(body);
      String detail = parsed == null ? null : parsed.path("detail").asText(null);
      if (detail != null) {
        return io.switchboard.api.OpenAiErrors.body(UpstreamErrors.redact(detail, config.apiKey().value()),
            io.switchboard.api.OpenAiErrors.typeForStatus(status), null, null);
      }
      return UpstreamErrors.generic(config.key(), status, body, config.apiKey().value());
    }

    @Override
    public Buffer complete(Buffer body) {
      JsonNode prediction = Json.parseOrNull(body);
      if (prediction == null || !prediction.isObject() || !prediction.path("status").isTextual()) {
        throw new IllegalArgumentException("expected a Replicate prediction");
      }
      return body;
    }

    @Override
    public ChunkTransformer streamTransformer() {
      throw new UnsupportedOperationException("a prediction is not a stream");
    }
  }

  private record StreamCodec(GatewayConfig.Provider config, String id, String model) implements ResponseCodec {
    @Override
    public ObjectNode error(int status, Buffer body) {
      return PredictionCodec.error(config, status, body);
    }

    @Override
    public Buffer complete(Buffer body) {
      throw new UnsupportedOperationException("a stream is not a prediction");
    }

    @Override
    public ChunkTransformer streamTransformer() {
      ReplicateStreamMapper mapper = new ReplicateStreamMapper(id, model);
      return new MappedSseStream(mapper::onEvent, mapper::onEnd);
    }
  }
}
