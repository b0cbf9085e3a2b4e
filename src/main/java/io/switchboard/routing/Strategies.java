package io.switchboard.routing;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.StrategyConfig;

/** The registry of strategies: one line per mode. A strategy holds only immutable config. */
public final class Strategies {
  private Strategies() {}

  public static RoutingStrategy create(GatewayConfig config) {
    return switch (config.strategy().mode()) {
      case StrategyConfig.Single s -> new SingleStrategy();
      case StrategyConfig.Fallback s -> new FallbackStrategy();
      case StrategyConfig.LoadBalance s -> new LoadBalanceStrategy();
      case StrategyConfig.LeastLatency s -> new LeastLatencyStrategy(s.exploration());
      case StrategyConfig.LeastBusy s -> new LeastBusyStrategy();
      case StrategyConfig.CostOptimized s -> new CostOptimizedStrategy(config.prices(), s.expectedOutputTokens(),
          s.unpriced());
      case StrategyConfig.Conditional s -> new ConditionalStrategy(s.conditions(), s.defaultTargets());
      case StrategyConfig.ContentBased s -> new ContentBasedStrategy(s.rules(), s.defaultTargets());
      case StrategyConfig.AbTest s -> new AbTestStrategy(s.variants());
    };
  }
}
