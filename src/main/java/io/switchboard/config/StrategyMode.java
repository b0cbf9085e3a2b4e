package io.switchboard.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a request picks among the targets that serve its model. */
public enum StrategyMode {
  SINGLE("single"),
  FALLBACK("fallback"),
  LOADBALANCE("loadbalance", "load-balance", "load_balance");

  /** Modes other gateways name that this build does not implement yet: refused by name, never ignored. */
  static final List<String> NOT_YET_SUPPORTED = List.of(
      "least-latency", "least-busy", "cost-optimized", "conditional", "content-based", "ab-test");

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
