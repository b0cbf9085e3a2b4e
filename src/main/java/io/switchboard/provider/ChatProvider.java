package io.switchboard.provider;

import io.vertx.core.Future;

/** A provider that answers OpenAI chat completions, streaming included. */
public interface ChatProvider extends Provider {
  Future<UpstreamResponse> chat(UpstreamRequest request);
}
