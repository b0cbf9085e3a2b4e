package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.StrategyConfig.ContentBased;
import io.switchboard.config.StrategyConfig.ContentRule;
import io.switchboard.config.StrategyConfig.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code mode: content-based}: rules over the user's text, and a {@code default} chain. Switchboard's form is
 * {@code rules: [{prompt_contains, prompt_not_contains, prompt_regex, then}]}; Ferro's is
 * {@code content_conditions: [{type, value, target_key}]}, one test per rule.
 */
final class ContentBasedReader {
  private static final Set<String> RULE_KEYS = Set.of("prompt_contains", "prompt_not_contains", "prompt_regex", "then");
  private static final Set<String> FERRO_KEYS = Set.of("type", "value", "target_key", "target_keys");
  private static final List<String> FERRO_TYPES = List.of("prompt_contains", "prompt_not_contains", "prompt_regex");

  private ContentBasedReader() {}

  static StrategyConfig read(StrategyReader.Input in) {
    NodeReader r = in.r();
    JsonNode node = in.node();
    List<ContentRule> rules = new ArrayList<>();
    if (node.has("rules") && node.has("content_conditions")) {
      r.problem("strategy", "give rules or content_conditions (Ferro's spelling), not both");
      return new ContentBased(rules, List.of(), Form.SWITCHBOARD);
    }
    Form form = node.has("content_conditions") ? Form.FERRO : Form.SWITCHBOARD;
    String field = form == Form.FERRO ? "content_conditions" : "rules";
    if (StrategyReader.nonEmptyList(r, node.get(field), "strategy." + field)) {
      for (int i = 0; i < node.get(field).size(); i++) {
        String path = "strategy." + field + "[" + i + "]";
        ContentRule rule = form == Form.FERRO ? ferroRule(r, node.get(field).get(i), path, in.targets())
            : contentRule(r, node.get(field).get(i), path, in.targets());
        if (rule != null) {
          rules.add(rule);
        }
      }
    }
    return new ContentBased(rules, ConditionalReader.defaultTargets(in), form);
  }

  /** Ferro's {@code {type, value, target_key}}: one test, read as the rule holding it alone. */
  private static ContentRule ferroRule(NodeReader r, JsonNode node, String path, List<Target> targets) {
    if (!r.isObject(node, path)) {
      if (node == null || node.isNull()) {
        r.problem(path, "expected an object, got null");
      }
      return null;
    }
    r.onlyKeys(node, path, FERRO_KEYS);
    String type = r.string(node, "type", path, true);
    // An absent value is Ferro's empty string: prompt_contains "" holds for every prompt.
    String value = node.hasNonNull("value") ? r.string(node, "value", path, false) : "";
    List<String> then = ConditionalReader.ferroTargets(r, node, path, targets);
    if (type == null || value == null) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    ContentRule rule = switch (type) {
      case "prompt_contains" -> new ContentRule(List.of(lower), List.of(), null, then);
      case "prompt_not_contains" -> new ContentRule(List.of(), List.of(lower), null, then);
      case "prompt_regex" -> {
        Pattern regex = regex(r, value, path + ".value");
        yield regex == null ? null : new ContentRule(List.of(), List.of(), regex, then);
      }
      default -> {
        r.problem(path + ".type", "\"" + type + "\" is not a rule type (expected: " + String.join(", ", FERRO_TYPES)
            + ")");
        yield null;
      }
    };
    return then.isEmpty() ? null : rule;
  }

  /**
   * The first construct Java accepts and Go's RE2 (Ferro's engine) refuses: a backreference, a look-around or
   * an atomic group; null when there is none. Escaped characters and character classes are skipped.
   */
  static String notRe2(String regex) {
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        char next = regex.charAt(i + 1);
        if (!inClass && (next >= '1' && next <= '9' || next == 'k' && regex.startsWith("<", i + 2))) {
          return regex.substring(i, i + 2);
        }
        i++;
      } else if (c == '[') {
        inClass = true;
      } else if (c == ']') {
        inClass = false;
      } else if (!inClass && c == '(') {
        for (String group : List.of("(?=", "(?!", "(?<=", "(?<!", "(?>")) {
          if (regex.startsWith(group, i)) {
            return group;
          }
        }
      }
    }
    return null;
  }

  private static Pattern regex(NodeReader r, String value, String path) {
    String unsupported = notRe2(value);
    if (unsupported != null) {
      r.problem(path, "\"" + value + "\" uses " + unsupported + ", which Ferro's regular expressions "
          + "(RE2) do not support (expected: no look-around, backreference or atomic group)");
      return null;
    }
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      r.problem(path, "\"" + value + "\" is not a valid regular expression (" + e.getDescription() + ")");
      return null;
    }
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
