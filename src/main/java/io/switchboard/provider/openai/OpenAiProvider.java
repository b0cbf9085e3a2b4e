package io.switchboard.provider.openai;

import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.CompletionProvider;
import io.switchboard.provider.EmbeddingProvider;
import io.switchboard.provider.HttpUpstream;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;

/**
 * OpenAI and every OpenAI-compatible server: a passthrough. The client's bytes go upstream unchanged
 * (only {@code model} may be rewritten) and the answer's bytes come back unchanged, so parameters this
 * build has never heard of work the day the upstream ships them.
 */
public final class OpenAiProvider implements ChatProvider, CompletionProvider, EmbeddingProvider {
  private final GatewayConfig.Provider config;
  private final HttpUpstream http;
  private final ResponseCodec codec;
  private final CharSequence authorization;

  public OpenAiProvider(GatewayConfig.Provider config, Vertx vertx, HttpClient client) {
    this.config = config;
    this.http = new HttpUpstream(vertx, client, config);
    this.codec = new OpenAiCodec(config);
    this.authorization = config.apiKey().isEmpty() ? null
        : HttpHeaders.createOptimized("Bearer " + config.apiKey().value());
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
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
    MultiMap headers = http.baseHeaders(request.stream());
    if (authorization != null) {
      headers.set(HttpHeaders.AUTHORIZATION, authorization);
    }
    return http.post(path, headers, request.passthroughBytes(), request, codec);
  }
}
