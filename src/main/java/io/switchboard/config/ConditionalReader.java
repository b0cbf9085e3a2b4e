package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.StrategyConfig.Condition;
import io.switchboard.config.StrategyConfig.Conditional;
import io.switchboard.config.StrategyConfig.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code mode: conditional}: {@code conditions} in either of two forms, and a {@code default} chain.
 * Switchboard's form is {@code {query, then}}; Ferro's is {@code {key, value, target_key}} with
 * {@code key} one of model, model_prefix, user, stream, has_tools, metadata (which names its {@code field}).
 * The two share the key {@code conditions}, so each entry's fields say which form it is; a list mixing them
 * is refused.
 */
final class ConditionalReader {
  private static final Set<String> CONDITION_KEYS = Set.of("query", "then");
  private static final Set<String> FERRO_KEYS = Set.of("key", "value", "field", "target_key", "target_keys");
  private static final List<String> FERRO_CONDITION_KEYS =
      List.of("model", "model_prefix", "user", "stream", "has_tools", "metadata");

  private ConditionalReader() {}

  static StrategyConfig read(StrategyReader.Input in) {
    NodeReader r = in.r();
    JsonNode node = in.node();
    List<Condition> conditions = new ArrayList<>();
    Form form = Form.SWITCHBOARD;
    if (StrategyReader.nonEmptyList(r, node.get("conditions"), "strategy.conditions")) {
      JsonNode list = node.get("conditions");
      form = formOf(r, list, "strategy.conditions", FERRO_KEYS, CONDITION_KEYS, "{key, value, target_key}",
          "{query, then}");
      for (int i = 0; form != null && i < list.size(); i++) {
        String path = "strategy.conditions[" + i + "]";
        Condition c = form == Form.FERRO ? ferroCondition(r, list.get(i), path, in.targets())
            : condition(r, list.get(i), path, in.targets());
        if (c != null) {
          conditions.add(c);
        }
      }
    }
    return new Conditional(conditions, defaultTargets(in), form == null ? Form.SWITCHBOARD : form);
  }

  /**
   * Which form a rule list is written in, by its entries' fields: Ferro's when some entry has Ferro's fields
   * and none has Switchboard's; null after reporting a list (or an entry) that holds both.
   */
  static Form formOf(NodeReader r, JsonNode list, String path, Set<String> ferroKeys, Set<String> ownKeys,
      String ferroShape, String ownShape) {
    List<Integer> ferro = new ArrayList<>();
    List<Integer> own = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      boolean isFerro = entry != null && entry.isObject() && ferroKeys.stream().anyMatch(entry::has);
      boolean isOwn = entry != null && entry.isObject() && ownKeys.stream().anyMatch(entry::has);
      if (isFerro && isOwn) {
        r.problem(path + "[" + i + "]", "mixes Ferro's fields " + ferroShape + " with Switchboard's " + ownShape
            + " (expected: one form)");
        return null;
      }
      if (isFerro) {
        ferro.add(i);
      } else if (isOwn) {
        own.add(i);
      }
    }
    if (!ferro.isEmpty() && !own.isEmpty()) {
      r.problem(path, "mixes Ferro's form " + ferroShape + " (entries " + ferro + ") with Switchboard's form "
          + ownShape + " (entries " + own + ") (expected: one form for the whole list)");
      return null;
    }
    return ferro.isEmpty() ? Form.SWITCHBOARD : Form.FERRO;
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

  /** Ferro's {@code {key, value, target_key}}, read as the query it stands for. */
  private static Condition ferroCondition(NodeReader r, JsonNode node, String path, List<Target> targets) {
    if (!r.isObject(node, path)) {
      if (node == null || node.isNull()) {
        r.problem(path, "expected an object, got null");
      }
      return null;
    }
    r.onlyKeys(node, path, FERRO_KEYS);
    String key = r.string(node, "key", path, true);
    String field = r.string(node, "field", path, false);
    RequestQuery query = null;
    if (key != null && !FERRO_CONDITION_KEYS.contains(key)) {
      r.problem(path + ".key", "\"" + key + "\" is not a condition key (expected: "
          + String.join(", ", FERRO_CONDITION_KEYS) + ")");
    } else if (key != null) {
      if (key.equals("metadata") && (field == null || field.isBlank())) {
        r.problem(path + ".field", "is required for key metadata (expected: the metadata entry's name)");
      } else if (!key.equals("metadata") && field != null) {
        r.problem(path + ".field", "applies to key metadata only");
      }
      query = ferroQuery(r, key, field, node.get("value"), path + ".value");
    }
    List<String> then = ferroTargets(r, node, path, targets);
    return query == null || then.isEmpty() ? null : new Condition(query, then);
  }

  private static RequestQuery ferroQuery(NodeReader r, String key, String field, JsonNode value, String path) {
    if (key.equals("stream") || key.equals("has_tools")) {
      String text = value == null || value.isNull() ? "" : value.asText().toLowerCase(Locale.ROOT);
      if (value == null || value.isContainerNode() || !(text.equals("true") || text.equals("false"))) {
        r.problem(path, "key " + key + " takes true or false, got " + NodeReader.describe(value));
        return null;
      }
      RequestQuery.Kind kind = key.equals("stream") ? RequestQuery.Kind.STREAM : RequestQuery.Kind.HAS_TOOLS;
      return new RequestQuery.Test(new RequestQuery.Field(kind, List.of()), RequestQuery.Operator.EQ,
          BooleanNode.valueOf(text.equals("true")), null);
    }
    if (value == null || !value.isValueNode() || value.isNull() || value.asText().isEmpty()
        || !value.asText().strip().equals(value.asText())) {
      r.problem(path, "key " + key + " requires a non-empty value with no surrounding spaces, got "
          + NodeReader.describe(value));
      return null;
    }
    String text = value.asText();
    return switch (key) {
      case "model" -> test(RequestQuery.Kind.MODEL, List.of(), RequestQuery.Operator.EQ, text);
      case "model_prefix" -> test(RequestQuery.Kind.MODEL, List.of(), RequestQuery.Operator.PREFIX, text);
      case "user" -> test(RequestQuery.Kind.USER, List.of(), RequestQuery.Operator.EQ, text);
      case "metadata" -> field == null ? null : test(RequestQuery.Kind.METADATA, List.of(field),
          RequestQuery.Operator.EQ, text);
      default -> throw new IllegalArgumentException(key);
    };
  }

  private static RequestQuery test(RequestQuery.Kind kind, List<String> path, RequestQuery.Operator op, String v) {
    return new RequestQuery.Test(new RequestQuery.Field(kind, path), op, TextNode.valueOf(v), null);
  }

  /** Ferro's {@code target_key} (one target) or {@code target_keys} (a chain, tried in order): one of the two. */
  static List<String> ferroTargets(NodeReader r, JsonNode node, String path, List<Target> targets) {
    boolean one = node.hasNonNull("target_key");
    boolean chain = node.hasNonNull("target_keys");
    if (one && chain) {
      r.problem(path, "give target_key or target_keys, not both");
      return List.of();
    }
    if (chain) {
      JsonNode keys = node.get("target_keys");
      if (keys.isArray()) {
        for (int i = 0; i < keys.size(); i++) {
          for (int j = 0; j < i; j++) {
            if (keys.get(i).equals(keys.get(j))) {
              r.problem(path + ".target_keys[" + i + "]", NodeReader.describe(keys.get(i))
                  + " repeats an earlier entry (expected: each target once)");
              return List.of();
            }
          }
        }
      }
      return TargetRefs.resolve(r, keys, path + ".target_keys", targets);
    }
    if (!one) {
      r.problem(path + ".target_key", "is required (expected: a target's virtual_key, or target_keys: a list)");
      return List.of();
    }
    JsonNode key = node.get("target_key");
    if (!key.isTextual()) {
      r.problem(path + ".target_key", "expected a target name, got " + NodeReader.describe(key));
      return List.of();
    }
    return TargetRefs.resolve(r, key, path + ".target_key", targets);
  }
}
