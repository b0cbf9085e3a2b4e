package io.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.stream.ChunkTransformer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AWS Bedrock Runtime behind the OpenAI API: chat through Converse and ConverseStream (an AWS event stream,
 * decoded by {@link EventStreamTransformer}), embeddings through InvokeModel for Titan and Cohere models.
 * Each request is signed with SigV4 over the exact bytes sent, or carries a Bedrock API key as a bearer token.
 */
public final class BedrockProvider implements ChatProvider, EmbeddingProvider {
  private static final Logger LOG = LoggerFactory.getLogger(BedrockProvider.class);
  private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

  private final GatewayConfig.Provider config;
  private final BedrockOptions options;
  private final UnsupportedParamPolicy policy;
  private final HttpUpstream http;
  private final String baseUrl;
  private final SigV4Signer signer;
  /** With no keys configured: the default chain's credentials, else null. */
  private final AmbientCredentials ambient;

  public BedrockProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx,
      HttpClient client) {
    this(config, policy, vertx, client, Clock.systemUTC());
  }

  BedrockProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx, HttpClient client,
      Clock clock) {
    this(config, policy, vertx, client, clock, ((BedrockOptions) config.options()).ambientCredentials()
        ? AmbientCredentials.defaultChain(config, config.key(), vertx, clock) : null);
  }

  BedrockProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx, HttpClient client,
      Clock clock, AmbientCredentials ambient) {
    this.config = config;
    this.options = (BedrockOptions) config.options();
    this.policy = policy;
    this.baseUrl = config.baseUrl() != null ? config.baseUrl() : options.defaultBaseUrl();
    this.http = new HttpUpstream(vertx, client, config, baseUrl);
    this.ambient = ambient;
    if (!options.sigV4()) {
      this.signer = null;
    } else if (options.ambientCredentials()) {
      this.signer = new SigV4Signer(null, SigV4Signer.BEDROCK, options.region(), clock);
    } else {
      this.signer = new SigV4Signer(options.accessKeyId(), options.secretAccessKey(), options.sessionToken(),
          SigV4Signer.BEDROCK, options.region(), clock);
    }
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    List<String> warnings = new ArrayList<>();
    ObjectNode body = BedrockRequestMapper.toConverseRequest(request.body(), request.model(), policy, warnings);
    logWarnings(request, warnings);
    boolean includeUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
    String path = BedrockPaths.converse(request.model(), request.stream());
    return post(path, Json.buffer(body), request, new ChatCodec(request.model(), includeUsage));
  }

  @Override
  public Future<UpstreamResponse> embeddings(UpstreamRequest request) {
    JsonNode body = request.body();
    BedrockEmbeddings.Family family = BedrockEmbeddings.family(request.model());
    if (family == null) {
      throw ApiException.invalidRequest("model", "model_not_supported", "model: \"" + request.model()
          + "\" is not an embedding model bedrock is known to serve"
          + " (expected: amazon.titan-embed-* or cohere.embed-*)");
    }
    List<String> warnings = new ArrayList<>();
    BedrockEmbeddings.checkParams(body, family, new UnsupportedParams(policy, "bedrock", warnings));
    logWarnings(request, warnings);
    List<String> texts = BedrockEmbeddings.inputs(body);
    boolean base64 = "base64".equals(body.path("encoding_format").asText());
    String path = BedrockPaths.invoke(request.model());
    if (family == BedrockEmbeddings.Family.COHERE) {
      return post(path, Json.buffer(BedrockEmbeddings.cohereRequest(texts)), request,
          new InvokeCodec(BedrockEmbeddings::cohereVectors))
          .map(r -> {
            List<JsonNode> vectors = new ArrayList<>();
            parse(r).forEach(vectors::add);
            // Cohere on Bedrock reports its token count in a header only, which is not kept here.
            return complete(BedrockEmbeddings.toOpenAi(vectors, 0, request.model(), base64), r);
          });
    }
    List<Future<UpstreamResponse>> calls = new ArrayList<>(texts.size());
    for (String text : texts) {
      calls.add(post(path, Json.buffer(BedrockEmbeddings.titanRequest(text, body)), request,
          new InvokeCodec(BedrockEmbeddings::titanVector)));
    }
    return Future.all(calls).map(all -> {
      List<JsonNode> vectors = new ArrayList<>(calls.size());
      long tokens = 0;
      for (Future<UpstreamResponse> call : calls) {
        JsonNode titan = parse(call.result());
        vectors.add(titan.get("embedding"));
        tokens += titan.path("inputTextTokenCount").asLong(0);
      }
      ObjectNode out = BedrockEmbeddings.toOpenAi(vectors, tokens, request.model(), base64);
      return complete(out, calls.getLast().result());
    });
  }

  @Override
  public List<ModelInfo> knownModels() {
    return BedrockModels.ALL;
  }

  /** Signs (or adds the bearer token to) the exact request and posts it. */
  private Future<UpstreamResponse> post(String path, Buffer body, UpstreamRequest request, ResponseCodec codec) {
    MultiMap headers = http.baseHeaders(false);
    if (request.stream() && codec instanceof ChatCodec) {
      headers.set(HttpHeaders.ACCEPT, EVENT_STREAM);
    }
    if (signer == null) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + options.bearerToken().value());
      return http.post(path, headers, body, request, codec);
    }
    Map<String, String> toSign = new LinkedHashMap<>();
    headers.forEach(toSign::put);
    URI url = URI.create(baseUrl + path);
    if (ambient == null) {
      signer.sign(url, toSign, body.getBytes()).forEach(headers::set);
      return http.post(path, headers, body, request, codec);
    }
    return ambient.get().compose(credentials -> {
      signer.sign(url, toSign, body.getBytes(), credentials).forEach(headers::set);
      return http.post(path, headers, body, request, codec);
    });
  }

  private void logWarnings(UpstreamRequest request, List<String> warnings) {
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
  }

  private static JsonNode parse(UpstreamResponse response) {
    return Json.parseOrNull(((UpstreamResponse.Complete) response).body());
  }

  private static UpstreamResponse complete(ObjectNode body, UpstreamResponse from) {
    return new UpstreamResponse.Complete(Json.buffer(body), from.upstreamRequestId());
  }

  private record ChatCodec(String model, boolean includeUsage) implements ResponseCodec {
    @Override
    public ObjectNode error(int status, Buffer body) {
      return BedrockErrorMapper.toOpenAiError(status, null, body);
    }

    @Override
    public ObjectNode error(int status, MultiMap headers, Buffer body) {
      return BedrockErrorMapper.toOpenAiError(status, headers.get("x-amzn-ErrorType"), body);
    }

    @Override
    public Buffer complete(Buffer body) {
      JsonNode response = Json.parseOrNull(body);
      if (response == null || !response.path("output").path("message").isObject()) {
        throw new IllegalArgumentException("expected a Converse response with output.message");
      }
      return Json.buffer(BedrockResponseMapper.toChatCompletion(response, model));
    }

    @Override
    public ChunkTransformer streamTransformer() {
      return new EventStreamTransformer(new BedrockStreamMapper(model, includeUsage));
    }
  }

  /** InvokeModel answers: checked by {@code check} and passed on as they are, for the provider to combine. */
  private record InvokeCodec(Function<JsonNode, JsonNode> check) implements ResponseCodec {
    @Override
    public ObjectNode error(int status, Buffer body) {
      return BedrockErrorMapper.toOpenAiError(status, null, body);
    }

    @Override
    public ObjectNode error(int status, MultiMap headers, Buffer body) {
      return BedrockErrorMapper.toOpenAiError(status, headers.get("x-amzn-ErrorType"), body);
    }

    @Override
    public Buffer complete(Buffer body) {
      return Json.buffer(check.apply(Json.parseOrNull(body)));
    }

    @Override
    public ChunkTransformer streamTransformer() {
      throw new UnsupportedOperationException("InvokeModel answers are not streamed here");
    }
  }

  @Override
  public Map<String, ParameterSupport> parameters() {
    return BedrockRequestMapper.parameters();
  }
}
