package io.switchboard.routing;

import io.switchboard.config.StrategyMode;

/** The registry of strategies: one line per mode. */
public final class Strategies {
  private Strategies() {}

  public static RoutingStrategy forMode(StrategyMode mode) {
    return switch (mode) {
      case SINGLE -> new SingleStrategy();
      case FALLBACK -> new FallbackStrategy();
      case LOADBALANCE -> new LoadBalanceStrategy();
    };
  }
}
