package io.switchboard.cli;

import io.switchboard.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a loaded config amounts to, in a few lines: the strategy, targets, providers (with their kind),
 * plugins (enabled or not) and aliases. Names only: no key, URL or plugin setting is shown.
 */
final class ConfigSummary {
  private ConfigSummary() {}

  static String strategy(GatewayConfig config) {
    return config.strategy().mode().configName();
  }

  /** One line: strategy and counts. */
  static String oneLine(GatewayConfig config) {
    long enabled = config.plugins().stream().filter(GatewayConfig.Plugin::enabled).count();
    return "strategy " + strategy(config) + ", " + count(config.targets().size(), "target") + ", "
        + count(config.providers().size(), "provider") + ", "
        + (config.plugins().isEmpty() ? "no plugins" : enabled + " of " + count(config.plugins().size(), "plugin")
        + " enabled");
  }

  /** Labelled lines, as {@code ferrogw validate} prints them; the plugin and alias lines only when there are some. */
  static List<String> lines(GatewayConfig config) {
    List<String> lines = new ArrayList<>();
    lines.add("Strategy:  " + strategy(config));
    lines.add("Targets:   " + config.targets().size() + " ("
        + String.join(", ", config.targets().stream().map(GatewayConfig.Target::id).toList()) + ")");
    lines.add("Providers: " + (config.providers().isEmpty() ? "none in this environment"
        : String.join(", ", config.providers().stream()
            .map(p -> p.key().equals(kind(p)) ? p.key() : p.key() + " (" + kind(p) + ")").toList())));
    if (!config.plugins().isEmpty()) {
      lines.add("Plugins:   " + String.join(", ", config.plugins().stream()
          .map(p -> p.name() + " (" + (p.enabled() ? "enabled" : "disabled") + ")").toList()));
    }
    if (!config.aliases().isEmpty()) {
      Map<String, String> sorted = new TreeMap<>(config.aliases());
      lines.add("Aliases:   " + sorted.size() + " (" + String.join(", ", sorted.entrySet().stream()
          .map(e -> e.getKey() + " -> " + e.getValue()).toList()) + ")");
    }
    return lines;
  }

  private static String kind(GatewayConfig.Provider p) {
    return p.preset() != null ? p.preset().name() : p.type().configName();
  }

  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
