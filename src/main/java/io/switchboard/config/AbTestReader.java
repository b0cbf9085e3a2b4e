package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.StrategyConfig.AbTest;
import io.switchboard.config.StrategyConfig.Form;
import io.switchboard.config.StrategyConfig.Variant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mode: ab-test}: labelled, weighted variants. Switchboard's form is
 * {@code variants: [{label, weight, targets}]}, each variant a chain; Ferro's is
 * {@code ab_variants: [{target_key, weight, label}]}, one target each, with a weight that may be fractional
 * and is 0 when absent.
 */
final class AbTestReader {
  private static final Set<String> VARIANT_KEYS = Set.of("label", "weight", "targets");
  private static final Set<String> FERRO_KEYS = Set.of("target_key", "weight", "label");

  private AbTestReader() {}

  static StrategyConfig read(StrategyReader.Input in) {
    NodeReader r = in.r();
    JsonNode node = in.node();
    List<Variant> variants = new ArrayList<>();
    if (node.has("variants") && node.has("ab_variants")) {
      r.problem("strategy", "give variants or ab_variants (Ferro's spelling), not both");
      return new AbTest(variants, Form.SWITCHBOARD);
    }
    if (node.has("ab_variants")) {
      return new AbTest(ferroVariants(r, node.get("ab_variants"), in.targets()), Form.FERRO);
    }
    if (StrategyReader.nonEmptyList(r, node.get("variants"), "strategy.variants")) {
      Set<String> labels = new HashSet<>();
      for (int i = 0; i < node.get("variants").size(); i++) {
        Variant v = variant(r, node.get("variants").get(i), "strategy.variants[" + i + "]", in.targets());
        if (v != null && !labels.add(v.label())) {
          r.problem("strategy.variants[" + i + "].label",
              "\"" + v.label() + "\" is used twice (expected: unique labels)");
        } else if (v != null) {
          variants.add(v);
        }
      }
      if (!variants.isEmpty() && variants.stream().mapToDouble(Variant::weight).sum() == 0) {
        r.problem("strategy.variants", "every weight is 0 (expected: at least one variant with weight > 0)");
      }
    }
    return new AbTest(variants, Form.SWITCHBOARD);
  }

  private static List<Variant> ferroVariants(NodeReader r, JsonNode list, List<Target> targets) {
    List<Variant> variants = new ArrayList<>();
    if (!StrategyReader.nonEmptyList(r, list, "strategy.ab_variants")) {
      return variants;
    }
    Map<String, Integer> labels = new HashMap<>();
    Map<String, Integer> keys = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "strategy.ab_variants[" + i + "]";
      JsonNode node = list.get(i);
      if (!r.isObject(node, path)) {
        if (node == null || node.isNull()) {
          r.problem(path, "expected an object, got null");
        }
        continue;
      }
      r.onlyKeys(node, path, FERRO_KEYS);
      String label = r.string(node, "label", path, true);
      Double weight = r.number(node, "weight", path, 0.0, 0.0);
      List<String> then = ConditionalReader.ferroTargets(r, node, path, targets);
      Integer twin = label == null ? null : labels.putIfAbsent(label, i);
      if (twin != null) {
        r.problem(path + ".label", "\"" + label + "\" is also the label of ab_variants[" + twin
            + "] (expected: unique labels; results are counted by label)");
        continue;
      }
      String key = node.path("target_key").asText("");
      Integer sameTarget = key.isEmpty() ? null : keys.putIfAbsent(key, i);
      if (sameTarget != null) {
        r.problem(path + ".target_key", "\"" + key + "\" is also the target of ab_variants[" + sameTarget
            + "] (expected: one variant per target)");
        continue;
      }
      if (label != null && weight != null && !then.isEmpty()) {
        variants.add(new Variant(label, weight, then));
      }
    }
    if (!variants.isEmpty() && variants.size() == list.size()
        && variants.stream().mapToDouble(Variant::weight).sum() == 0) {
      r.problem("strategy.ab_variants", "every weight is 0 (expected: at least one variant with weight > 0)");
    }
    return variants;
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
