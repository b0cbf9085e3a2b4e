package io.switchboard.routing;

import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.Provider;

/** One target able to serve a request, with the model name it must be sent. */
public record Candidate(GatewayConfig.Target target, Provider provider, String upstreamModel) {}
