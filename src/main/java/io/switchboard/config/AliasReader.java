package io.switchboard.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code aliases}: model name to model name; chains are followed, cycles and blank names refused. */
record AliasReader(NodeReader r) {
  Map<String, String> read(ObjectNode root) {
    Map<String, String> aliases = r.stringMap(root, "aliases", "");
    aliases.entrySet().removeIf(e -> {
      if (e.getKey().isBlank()) {
        r.problem("aliases", "has an empty name (expected: a model name)");
        return true;
      }
      if (e.getValue().isBlank()) {
        r.problem("aliases." + e.getKey(), "is empty (expected: the model it stands for)");
        return true;
      }
      return false;
    });
    for (String start : aliases.keySet()) {
      Set<String> chain = new HashSet<>();
      String at = start;
      while (aliases.containsKey(at)) {
        if (!chain.add(at)) {
          r.problem("aliases." + start, "aliases form a cycle through \"" + at + "\"");
          break;
        }
        at = aliases.get(at);
      }
    }
    return new LinkedHashMap<>(aliases);
  }
}
