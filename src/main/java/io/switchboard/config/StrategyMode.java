package io.switchboard.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a request picks among the targets that serve its model. */
public enum StrategyMode {
  SINGLE("single"),
  FALLBACK("fallback"),
  LOADBALANCE("loadbalance", "load-balance", "load_balance"),
  LEAST_LATENCY("least-latency", "least_latency"),
  LEAST_BUSY("least-busy", "least_busy"),
  COST_OPTIMIZED("cost-optimized", "cost_optimized"),
  CONDITIONAL("conditional"),
  CONTENT_BASED("content-based", "content_based"),
  AB_TEST("ab-test", "ab_test");

  private final List<String> names;

  StrategyMode(String... names) {
    this.names = List.of(names);
  }

  public String configName() {
    return names.getFirst();
  }

  static Optional<StrategyMode> parse(String name) {
    return Arrays.stream(values()).filter(m -> m.names.contains(name)).findFirst();
  }

  static String expected() {
    return String.join(", ", Arrays.stream(values()).map(StrategyMode::configName).toList());
  }
}
