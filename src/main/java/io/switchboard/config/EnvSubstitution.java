package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in every string value of a config tree, replaced in place. Values the
 * reference gateway resolves only when it builds the component (MCP server headers and env, tracing headers,
 * exporter configs) keep their references, so a config never holds those secrets and a file that names a
 * variable only the production machine has still validates elsewhere.
 */
final class EnvSubstitution {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final Pattern DEFERRED = Pattern.compile(
      "^(mcp_servers\\[\\d+]\\.(headers|env)|observability\\.tracing\\.headers|observability\\.exporters\\[\\d+]\\.config)$");

  /** Where an unset variable was met, when unset variables are noted rather than refused. */
  record Unset(String path, String variable) {}

  private EnvSubstitution() {}

  /**
   * Replaces {@code ${VAR}} in every string value. A variable that is unset and has no default is a problem, or,
   * when {@code unset} is not null, is added to it and replaced by nothing.
   */
  static void substitute(JsonNode node, Map<String, String> env, NodeReader reader, List<Unset> unset) {
    substitute(node, "", env, reader, unset);
  }

  private static void substitute(JsonNode node, String path, Map<String, String> env, NodeReader reader,
      List<Unset> unset) {
    if (DEFERRED.matcher(path).matches()) {
      return;
    }
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = NodeReader.join(path, e.getKey());
        if (e.getValue().isTextual()) {
          e.setValue(new TextNode(expand(e.getValue().asText(), at, env, reader, unset)));
        } else {
          substitute(e.getValue(), at, env, reader, unset);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = path + "[" + i + "]";
        if (array.get(i).isTextual()) {
          array.set(i, new TextNode(expand(array.get(i).asText(), at, env, reader, unset)));
        } else {
          substitute(array.get(i), at, env, reader, unset);
        }
      }
    }
  }

  private static String expand(String value, String path, Map<String, String> env, NodeReader reader,
      List<Unset> unset) {
    if (value.indexOf("${") < 0) {
      return value;
    }
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String resolved = env.get(m.group(1));
      if (resolved == null || (resolved.isEmpty() && m.group(2) != null)) {
        resolved = m.group(2);
      }
      if (resolved == null && unset != null) {
        unset.add(new Unset(path, m.group(1)));
        resolved = "";
      } else if (resolved == null) {
        reader.problem(path, "environment variable " + m.group(1) + " is not set (use ${" + m.group(1)
            + ":-default} to give a default)");
        resolved = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }
}
