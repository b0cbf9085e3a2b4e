package io.switchboard.provider.openai;

import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.vertx.core.buffer.Buffer;

/**
 * The body {@link OpenAiProvider} sends upstream, built as its {@code send} builds it (the package-private
 * {@link RequestQuirks}), without an HTTP client; for the JMH benchmarks in {@code io.switchboard.bench}.
 */
public final class OpenAiRequestAccess {
  private final RequestQuirks quirks;

  public OpenAiRequestAccess(GatewayConfig.Provider config) {
    this.quirks = RequestQuirks.of(config.preset());
  }

  public Buffer body(UpstreamRequest request, UnsupportedParams params) {
    return quirks.apply(request, params);
  }
}
