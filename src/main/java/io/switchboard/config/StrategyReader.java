package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.config.GatewayConfig.Strategy;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.StrategyConfig.AbTest;
import io.switchboard.config.StrategyConfig.Conditional;
import io.switchboard.config.StrategyConfig.ContentBased;
import io.switchboard.config.StrategyConfig.CostOptimized;
import io.switchboard.config.StrategyConfig.Fallback;
import io.switchboard.config.StrategyConfig.LeastBusy;
import io.switchboard.config.StrategyConfig.LeastLatency;
import io.switchboard.config.StrategyConfig.LoadBalance;
import io.switchboard.config.StrategyConfig.Single;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code strategy} block: {@code mode}, {@code failover_on_status_codes}, and the fields of the mode
 * chosen. A field of another mode is a problem. {@link #MODES} is the registry: one line per mode.
 */
record StrategyReader(NodeReader r) {

  /** What a mode's reader gets: the strategy block (an object) and the targets, for resolving references. */
  record Input(NodeReader r, JsonNode node, List<Target> targets) {}

  /**
   * A mode: the record it reads into, its name (then the other spellings accepted), the fields that
   * belong to it, and its reader.
   */
  record Mode(Class<? extends StrategyConfig> type, List<String> names, Set<String> fields,
      Function<Input, StrategyConfig> reader) {
    String configName() {
      return names.getFirst();
    }
  }

  static final List<Mode> MODES = List.of(
      new Mode(Single.class, List.of("single"), Set.of(), in -> new Single()),
      new Mode(Fallback.class, List.of("fallback"), Set.of(), in -> new Fallback()),
      new Mode(LoadBalance.class, List.of("loadbalance", "load-balance", "load_balance"), Set.of(),
          in -> new LoadBalance()),
      new Mode(LeastLatency.class, List.of("least-latency", "least_latency"), Set.of("exploration"),
          StrategyReader::leastLatency),
      new Mode(LeastBusy.class, List.of("least-busy", "least_busy"), Set.of(), in -> new LeastBusy()),
      new Mode(CostOptimized.class, List.of("cost-optimized", "cost_optimized"),
          Set.of("expected_output_tokens", "unpriced_strategy"), StrategyReader::costOptimized),
      new Mode(Conditional.class, List.of("conditional"), Set.of("conditions", "default"), ConditionalReader::read),
      new Mode(ContentBased.class, List.of("content-based", "content_based"),
          Set.of("rules", "content_conditions", "default"), ContentBasedReader::read),
      new Mode(AbTest.class, List.of("ab-test", "ab_test"), Set.of("variants", "ab_variants"), AbTestReader::read));

  private static final Set<String> COMMON_KEYS = Set.of("mode", "failover_on_status_codes");

  static Optional<Mode> mode(String name) {
    return MODES.stream().filter(m -> m.names().contains(name)).findFirst();
  }

  static String nameOf(StrategyConfig config) {
    return MODES.stream().filter(m -> m.type() == config.getClass()).findFirst().orElseThrow().configName();
  }

  static String expectedModes() {
    return String.join(", ", MODES.stream().map(Mode::configName).toList());
  }

  /** The mode named by the block, or null when absent or not a mode (reported). */
  Mode mode(JsonNode node) {
    if (!r.isObject(node, "strategy")) {
      return null;
    }
    Set<String> keys = new HashSet<>(COMMON_KEYS);
    MODES.forEach(m -> keys.addAll(m.fields()));
    r.onlyKeys(node, "strategy", keys);
    String name = r.string(node, "mode", "strategy", false);
    if (name == null) {
      return null;
    }
    return mode(name.toLowerCase(Locale.ROOT)).orElseGet(() -> {
      r.problem("strategy.mode", "\"" + name + "\" is not a mode (expected: " + expectedModes() + ")");
      return null;
    });
  }

  /** The mode when the block gives none: fallback without a block, single with one (as Ferro). */
  static Mode defaultMode(JsonNode node) {
    return mode(node == null ? "fallback" : "single").orElseThrow();
  }

  Set<Integer> failoverOn(JsonNode node) {
    return node != null && node.isObject()
        ? TargetReader.statuses(r, node.get("failover_on_status_codes"), "strategy.failover_on_status_codes", Set.of())
        : Set.of();
  }

  /** The mode's settings; each field belongs to one mode (or two), and is a problem with any other. */
  Strategy read(JsonNode node, Mode mode, Set<Integer> failoverOn, List<Target> targets) {
    boolean badMode = node != null && node.isObject() && node.hasNonNull("mode")
        && mode(node.path("mode").asText("").toLowerCase(Locale.ROOT)).isEmpty();
    if (node == null || !node.isObject() || badMode) {
      // No block, or a bad mode already reported: the default mode, single or fallback, which have no fields.
      return new Strategy(mode.reader().apply(new Input(r, JsonNodeFactory.instance.objectNode(), targets)),
          failoverOn);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      List<String> owners = MODES.stream().filter(m -> m.fields().contains(field)).map(Mode::configName).sorted()
          .toList();
      if (!owners.isEmpty() && !mode.fields().contains(field)) {
        r.problem("strategy." + field, "does not apply to mode " + mode.configName() + " (expected with: "
            + String.join(", ", owners) + ")");
      }
    }
    return new Strategy(mode.reader().apply(new Input(r, node, targets)), failoverOn);
  }

  static StrategyConfig leastLatency(Input in) {
    double exploration = in.r().number(in.node(), "exploration", "strategy", LeastLatency.DEFAULT_EXPLORATION, 0.0);
    if (exploration > 1) {
      in.r().problem("strategy.exploration", exploration + " is out of range (expected: 0 to 1)");
      exploration = LeastLatency.DEFAULT_EXPLORATION;
    }
    return new LeastLatency(exploration);
  }

  static StrategyConfig costOptimized(Input in) {
    int expectedOutput = in.r().integer(in.node(), "expected_output_tokens", "strategy",
        CostOptimized.DEFAULT_EXPECTED_OUTPUT_TOKENS, 0, 10_000_000);
    StrategyConfig.Unpriced unpriced = StrategyConfig.Unpriced.LAST;
    String unpricedName = in.r().string(in.node(), "unpriced_strategy", "strategy", false);
    if (unpricedName != null) {
      switch (unpricedName.toLowerCase(Locale.ROOT)) {
        // Ferro's names: fallback (priced first), skip (unpriced never), allow (a missing price costs nothing,
        // so the unpriced go first: they tie with the free only).
        case "last", "fallback" -> unpriced = StrategyConfig.Unpriced.LAST;
        case "first", "allow" -> unpriced = StrategyConfig.Unpriced.FIRST;
        case "exclude", "skip" -> unpriced = StrategyConfig.Unpriced.EXCLUDE;
        default -> in.r().problem("strategy.unpriced_strategy", "\"" + unpricedName
            + "\" is not a choice (expected: last, first, exclude, or Ferro's fallback, allow, skip)");
      }
    }
    return new CostOptimized(expectedOutput, unpriced);
  }

  /** True for a non-empty list; a missing, empty or wrong-typed one is a problem. */
  static boolean nonEmptyList(NodeReader r, JsonNode node, String path) {
    if (node == null || node.isNull()) {
      r.problem(path, "is required for this mode");
      return false;
    }
    if (!r.isArray(node, path)) {
      return false;
    }
    if (node.isEmpty()) {
      r.problem(path, "is empty (expected: at least one entry)");
      return false;
    }
    return true;
  }
}
