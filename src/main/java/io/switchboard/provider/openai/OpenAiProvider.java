package io.switchboard.provider.openai;

import io.switchboard.api.ApiException;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.Preset;
import io.switchboard.config.ProviderType;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.CompletionProvider;
import io.switchboard.provider.EmbeddingProvider;
import io.switchboard.provider.HttpUpstream;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ParameterSupport;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
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
 * OpenAI and every OpenAI-compatible server: a passthrough. The client's bytes go upstream unchanged (only
 * {@code model} may be rewritten, and a preset's quirks applied) and the answer's bytes come back unchanged, so
 * parameters this build has never heard of work the day the upstream ships them. A preset says how the key is
 * sent and which models to list.
 */
public final class OpenAiProvider implements ChatProvider, CompletionProvider, EmbeddingProvider {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiProvider.class);
  private static final List<ModelInfo> OPENAI_MODELS = List.of(
      ModelInfo.chat("gpt-4o", 128_000, true),
      ModelInfo.chat("gpt-4o-mini", 128_000, true),
      ModelInfo.chat("gpt-4.1", 1_047_576, true),
      ModelInfo.chat("gpt-4.1-mini", 1_047_576, true),
      ModelInfo.chat("gpt-4.1-nano", 1_047_576, true),
      ModelInfo.chat("o3", 200_000, true),
      ModelInfo.chat("o3-mini", 200_000, false),
      ModelInfo.chat("o4-mini", 200_000, true),
      ModelInfo.embedding("text-embedding-3-small", 8191),
      ModelInfo.embedding("text-embedding-3-large", 8191));

  private final GatewayConfig.Provider config;
  private final UnsupportedParamPolicy policy;
  private final HttpUpstream http;
  private final ResponseCodec codec;
  private final CharSequence authHeader;
  private final CharSequence authValue;
  private final RequestQuirks quirks;
  /** As messages name it: the preset (groq), else the entry's key. */
  private final String providerName;

  public OpenAiProvider(GatewayConfig.Provider config, UnsupportedParamPolicy policy, Vertx vertx, HttpClient client) {
    this.config = config;
    this.policy = policy;
    this.http = new HttpUpstream(vertx, client, config);
    this.codec = new OpenAiCodec(config);
    Preset preset = config.preset();
    Preset.Auth auth = preset == null ? Preset.Auth.BEARER : preset.auth();
    boolean sendKey = auth.sendsKey() && !config.apiKey().isEmpty();
    this.authHeader = sendKey ? HttpHeaders.createOptimized(auth.header()) : null;
    this.authValue = sendKey ? HttpHeaders.createOptimized(auth.prefix() + config.apiKey().value()) : null;
    this.quirks = RequestQuirks.of(preset);
    this.providerName = preset == null ? config.key() : preset.name();
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  @Override
  public List<ModelInfo> knownModels() {
    if (config.preset() != null) {
      return config.preset().models();
    }
    return type() == ProviderType.OPENAI ? OPENAI_MODELS : List.of();
  }

  /** A preset with model families serves those when its config lists none; otherwise as its type says. */
  @Override
  public boolean serves(String model) {
    Preset preset = config.preset();
    if (preset == null || preset.families() == null || !config.models().isEmpty()) {
      return ChatProvider.super.serves(model);
    }
    return preset.families().matcher(model).find();
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    return send("/chat/completions", request);
  }

  @Override
  public Future<UpstreamResponse> completions(UpstreamRequest request) {
    return send("/completions", request);
  }

  @Override
  public Future<UpstreamResponse> embeddings(UpstreamRequest request) {
    return send("/embeddings", request);
  }

  private Future<UpstreamResponse> send(String path, UpstreamRequest request) {
    Buffer body;
    List<String> warnings = new ArrayList<>();
    try {
      body = quirks.apply(request, new UnsupportedParams(policy, providerName, warnings));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    if (!warnings.isEmpty()) {
      LOG.warn("request {} to {}: {}", request.requestId(), config.key(), String.join("; ", warnings));
    }
    MultiMap headers = http.baseHeaders(request.stream());
    if (authHeader != null) {
      headers.set(authHeader, authValue);
    }
    return http.post(path, headers, body, request, codec);
  }

  @Override
  public Map<String, ParameterSupport> parameters() {
    return quirks.parameters();
  }
}
