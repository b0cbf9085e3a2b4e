package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.StrategyConfig.Condition;
import io.switchboard.config.StrategyConfig.Conditional;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code mode: conditional}: {@code conditions} of {@code query} and {@code then}, and a {@code default} chain. */
final class ConditionalReader {
  private static final Set<String> CONDITION_KEYS = Set.of("query", "then");

  private ConditionalReader() {}

  static StrategyConfig read(StrategyReader.Input in) {
    NodeReader r = in.r();
    JsonNode node = in.node();
    List<Condition> conditions = new ArrayList<>();
    if (StrategyReader.nonEmptyList(r, node.get("conditions"), "strategy.conditions")) {
      for (int i = 0; i < node.get("conditions").size(); i++) {
        Condition c = condition(r, node.get("conditions").get(i), "strategy.conditions[" + i + "]", in.targets());
        if (c != null) {
          conditions.add(c);
        }
      }
    }
    return new Conditional(conditions, defaultTargets(in));
  }

  /** {@code default}: the chain tried when nothing matches (conditional and content-based). */
  static List<String> defaultTargets(StrategyReader.Input in) {
    JsonNode node = in.node();
    return node.has("default") && !node.get("default").isNull()
        ? TargetRefs.resolve(in.r(), node.get("default"), "strategy.default", in.targets()) : List.of();
  }

  private static Condition condition(NodeReader r, JsonNode node, String path, List<Target> targets) {
    if (!r.isObject(node, path)) {
      if (node == null || node.isNull()) {
        r.problem(path, "expected an object, got null");
      }
      return null;
    }
    r.onlyKeys(node, path, CONDITION_KEYS);
    RequestQuery query = new RequestQueryReader(r).read(node.get("query"), path + ".query");
    List<String> then = TargetRefs.resolve(r, node.get("then"), path + ".then", targets);
    return query == null || then.isEmpty() ? null : new Condition(query, then);
  }
}
