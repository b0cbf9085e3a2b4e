package io.switchboard.routing;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.StrategyConfig;

/** The registry of strategies: one line per mode. A strategy holds only immutable config. */
public final class Strategies {
  private Strategies() {}

  public static RoutingStrategy create(GatewayConfig config) {
    String first = config.targets().isEmpty() ? null : config.targets().getFirst().id();
    return switch (config.strategy().mode()) {
      case StrategyConfig.Single s -> new SingleStrategy();
      case StrategyConfig.Fallback s -> new FallbackStrategy();
      case StrategyConfig.LoadBalance s -> new LoadBalanceStrategy();
      case StrategyConfig.LeastLatency s -> new LeastLatencyStrategy(s.exploration());
      case StrategyConfig.LeastBusy s -> new LeastBusyStrategy();
      case StrategyConfig.CostOptimized s -> new CostOptimizedStrategy(config.prices(), s.expectedOutputTokens(),
          s.unpriced());
      case StrategyConfig.Conditional s -> new ConditionalStrategy(s.conditions(), s.defaultTargets(), s.form(), first);
      case StrategyConfig.ContentBased s -> new ContentBasedStrategy(s.rules(), s.defaultTargets(), s.form(), first);
      case StrategyConfig.AbTest s -> new AbTestStrategy(s.variants(), s.form());
    };
  }
}
