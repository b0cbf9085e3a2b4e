package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.StrategyConfig.AbTest;
import io.switchboard.config.StrategyConfig.Variant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code mode: ab-test}: labelled, weighted {@code variants}, each a chain of targets. */
final class AbTestReader {
  private static final Set<String> VARIANT_KEYS = Set.of("label", "weight", "targets");

  private AbTestReader() {}

  static StrategyConfig read(StrategyReader.Input in) {
    NodeReader r = in.r();
    JsonNode node = in.node();
    List<Variant> variants = new ArrayList<>();
    if (StrategyReader.nonEmptyList(r, node.get("variants"), "strategy.variants")) {
      Set<String> labels = new HashSet<>();
      for (int i = 0; i < node.get("variants").size(); i++) {
        Variant v = variant(r, node.get("variants").get(i), "strategy.variants[" + i + "]", in.targets());
        if (v != null && !labels.add(v.label())) {
          r.problem("strategy.variants[" + i + "].label", "\"" + v.label() + "\" is used twice (expected: unique labels)");
        } else if (v != null) {
          variants.add(v);
        }
      }
      if (!variants.isEmpty() && variants.stream().mapToInt(Variant::weight).sum() == 0) {
        r.problem("strategy.variants", "every weight is 0 (expected: at least one variant with weight > 0)");
      }
    }
    return new AbTest(variants);
  }

  private static Variant variant(NodeReader r, JsonNode node, String path, List<Target> targets) {
    if (!r.isObject(node, path)) {
      if (node == null || node.isNull()) {
        r.problem(path, "expected an object, got null");
      }
      return null;
    }
    r.onlyKeys(node, path, VARIANT_KEYS);
    String label = r.string(node, "label", path, true);
    int weight = r.integer(node, "weight", path, 1, 0, 1_000_000);
    List<String> then = TargetRefs.resolve(r, node.get("targets"), path + ".targets", targets);
    return label == null || then.isEmpty() ? null : new Variant(label, weight, then);
  }
}
