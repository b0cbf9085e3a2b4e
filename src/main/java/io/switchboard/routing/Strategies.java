package io.switchboard.routing;

import io.switchboard.config.GatewayConfig;

/** The registry of strategies: one line per mode. A strategy holds only immutable config. */
public final class Strategies {
  private Strategies() {}

  public static RoutingStrategy create(GatewayConfig config) {
    GatewayConfig.Strategy s = config.strategy();
    return switch (s.mode()) {
      case SINGLE -> new SingleStrategy();
      case FALLBACK -> new FallbackStrategy();
      case LOADBALANCE -> new LoadBalanceStrategy();
      case LEAST_LATENCY -> new LeastLatencyStrategy(s.exploration());
      case LEAST_BUSY -> new LeastBusyStrategy();
      case COST_OPTIMIZED -> new CostOptimizedStrategy(config.prices(), s.expectedOutputTokens(), s.unpriced());
      case CONDITIONAL -> new ConditionalStrategy(s.conditions(), s.defaultTargets());
      case CONTENT_BASED -> new ContentBasedStrategy(s.rules(), s.defaultTargets());
      case AB_TEST -> new AbTestStrategy(s.variants());
    };
  }
}
