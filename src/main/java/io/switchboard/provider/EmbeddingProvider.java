package io.switchboard.provider;

import io.vertx.core.Future;

/** A provider that answers OpenAI embeddings. */
public interface EmbeddingProvider extends Provider {
  Future<UpstreamResponse> embeddings(UpstreamRequest request);
}
