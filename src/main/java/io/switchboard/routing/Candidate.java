package io.switchboard.routing;

import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.Provider;

/**
 * One target able to serve a request, with the model name it must be sent. {@code variant} is the
 * ab-test label the strategy chose this target under (null otherwise), returned to the client in a header.
 */
public record Candidate(GatewayConfig.Target target, Provider provider, String upstreamModel, String variant) {
  public Candidate(GatewayConfig.Target target, Provider provider, String upstreamModel) {
    this(target, provider, upstreamModel, null);
  }

  public Candidate withVariant(String label) {
    return new Candidate(target, provider, upstreamModel, label);
  }
}
