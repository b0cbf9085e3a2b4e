package io.switchboard.provider;

import io.vertx.core.Future;

/** A provider that answers legacy OpenAI text completions. */
public interface CompletionProvider extends Provider {
  Future<UpstreamResponse> completions(UpstreamRequest request);
}
