package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.StrategyConfig.ContentBased;
import io.switchboard.config.StrategyConfig.ContentRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code mode: content-based}: {@code rules} over the user's text, and a {@code default} chain. */
final class ContentBasedReader {
  private static final Set<String> RULE_KEYS = Set.of("prompt_contains", "prompt_not_contains", "prompt_regex", "then");

  private ContentBasedReader() {}

  static StrategyConfig read(StrategyReader.Input in) {
    NodeReader r = in.r();
    JsonNode node = in.node();
    List<ContentRule> rules = new ArrayList<>();
    if (StrategyReader.nonEmptyList(r, node.get("rules"), "strategy.rules")) {
      for (int i = 0; i < node.get("rules").size(); i++) {
        ContentRule rule = contentRule(r, node.get("rules").get(i), "strategy.rules[" + i + "]", in.targets());
        if (rule != null) {
          rules.add(rule);
        }
      }
    }
    return new ContentBased(rules, ConditionalReader.defaultTargets(in));
  }

  private static ContentRule contentRule(NodeReader r, JsonNode node, String path, List<Target> targets) {
    if (!r.isObject(node, path)) {
      if (node == null || node.isNull()) {
        r.problem(path, "expected an object, got null");
      }
      return null;
    }
    r.onlyKeys(node, path, RULE_KEYS);
    List<String> contains = r.stringList(node, "prompt_contains", path).stream()
        .map(s -> s.toLowerCase(Locale.ROOT)).toList();
    List<String> notContains = r.stringList(node, "prompt_not_contains", path).stream()
        .map(s -> s.toLowerCase(Locale.ROOT)).toList();
    String regexText = r.string(node, "prompt_regex", path, false);
    Pattern regex = null;
    if (regexText != null) {
      try {
        regex = Pattern.compile(regexText);
      } catch (PatternSyntaxException e) {
        r.problem(path + ".prompt_regex", "\"" + regexText + "\" is not a valid regular expression ("
            + e.getDescription() + ")");
      }
    }
    if (!node.has("prompt_contains") && !node.has("prompt_not_contains") && !node.has("prompt_regex")) {
      r.problem(path, "has no test (expected: prompt_contains, prompt_not_contains or prompt_regex)");
    }
    List<String> then = TargetRefs.resolve(r, node.get("then"), path + ".then", targets);
    return then.isEmpty() ? null : new ContentRule(contains, notContains, regex, then);
  }
}
