package io.switchboard.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code aliases}: model name to model name; chains are followed, cycles refused. */
record AliasReader(NodeReader r) {
  Map<String, String> read(ObjectNode root) {
    Map<String, String> aliases = r.stringMap(root, "aliases", "");
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
