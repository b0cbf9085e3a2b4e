package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.Target;
import java.util.ArrayList;
import java.util.List;

/** References to targets from the strategy block, resolved to target ids. */
final class TargetRefs {
  private TargetRefs() {}

  /**
   * One target reference or a list of them, resolved to target ids: a reference is a target's id (its
   * name, or its provider key when unnamed), or a provider key, which stands for all of its targets.
   */
  static List<String> resolve(NodeReader r, JsonNode node, String path, List<Target> targets) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      r.problem(path, "is required (expected: a target name, or a list of them)");
      return out;
    }
    if (!node.isTextual() && !node.isArray()) {
      r.problem(path, "expected a target name or a list of them, got " + NodeReader.describe(node));
      return out;
    }
    if (node.isArray() && node.isEmpty()) {
      r.problem(path, "is empty (expected: at least one target)");
      return out;
    }
    List<JsonNode> refs = new ArrayList<>();
    node.forEach(refs::add);
    if (node.isTextual()) {
      refs = List.of(node);
    }
    for (int i = 0; i < refs.size(); i++) {
      String at = node.isArray() ? path + "[" + i + "]" : path;
      JsonNode ref = refs.get(i);
      if (!ref.isTextual() || ref.asText().isBlank()) {
        r.problem(at, "expected a target name, got " + NodeReader.describe(ref));
        continue;
      }
      String name = ref.asText();
      List<String> ids = targets.stream().map(Target::id).filter(name::equals).toList();
      if (ids.isEmpty()) {
        ids = targets.stream().filter(t -> t.virtualKey().equals(name)).map(Target::id).toList();
      }
      if (ids.isEmpty()) {
        r.problem(at, "\"" + name + "\" names no target (expected one of: "
            + String.join(", ", targets.stream().map(Target::id).toList()) + ")");
      }
      ids.stream().filter(id -> !out.contains(id)).forEach(out::add);
    }
    return out;
  }

}
