package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code mcp_servers:} list. Checks what the reference gateway checks (a unique name, exactly one transport)
 * and, stricter, what it lets through to fail later: a URL that is not http(s), a negative depth or timeout,
 * transport fields given to the other transport, and a malformed {@code ${VAR}} reference.
 */
record McpServersReader(NodeReader r) {
  private static final Set<String> KEYS = Set.of("name", "url", "headers", "command", "args", "env", "allowed_tools",
      "max_call_depth", "timeout_seconds", "required");
  /** Only the braced form is a reference; anything else with a '$' is literal data, as in the reference. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_DEPTH = 100;

  List<McpServerConfig> read(JsonNode list) {
    List<McpServerConfig> out = new ArrayList<>();
    if (!r.isArray(list, "mcp_servers")) {
      return out;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "mcp_servers[" + i + "]";
      JsonNode node = list.get(i);
      if (!r.isObject(node, path)) {
        continue;
      }
      r.onlyKeys(node, path, KEYS);
      String name = r.string(node, "name", path, true);
      if (name != null && !names.add(name)) {
        r.problem(path + ".name", "\"" + name + "\" is used by another server (expected: a unique name)");
      }
      String url = r.string(node, "url", path, false);
      String command = r.string(node, "command", path, false);
      url = url == null || url.isBlank() ? null : url;
      command = command == null || command.isBlank() ? null : command;
      if (url == null && command == null) {
        r.problem(path, "has no transport (expected: url for Streamable HTTP, or command for stdio)");
      } else if (url != null && command != null) {
        r.problem(path, "has both url and command (expected: exactly one; url selects Streamable HTTP, command stdio)");
      }
      if (url != null) {
        checkUrl(url, path + ".url");
        for (String field : List.of("args", "env")) {
          if (node.hasNonNull(field)) {
            r.problem(path + "." + field, "applies to stdio servers only (this one has a url)");
          }
        }
      }
      if (command != null && node.hasNonNull("headers")) {
        r.problem(path + ".headers", "applies to HTTP servers only (this one has a command)");
      }
      Map<String, String> headers = r.stringMap(node, "headers", path);
      Map<String, String> env = r.stringMap(node, "env", path);
      headers.forEach((k, v) -> checkReferences(v, path + ".headers." + k));
      env.forEach((k, v) -> checkReferences(v, path + ".env." + k));
      List<String> args = r.stringList(node, "args", path);
      List<String> tools = r.stringList(node, "allowed_tools", path);
      Integer depth = r.integer(node, "max_call_depth", path, 0, 0, MAX_DEPTH);
      Integer seconds = r.integer(node, "timeout_seconds", path, 0, 0, 3600);
      boolean required = r.bool(node, "required", path, false);
      if (name != null) {
        out.add(new McpServerConfig(name, url, headers, command, args, env, tools, depth == null ? 0 : depth,
            seconds == null || seconds == 0 ? McpServerConfig.DEFAULT_TIMEOUT : Duration.ofSeconds(seconds),
            required));
      }
    }
    return out;
  }

  /** Not echoed: a URL may carry a credential. */
  private void checkUrl(String url, String path) {
    String control = HttpText.urlProblem(url);
    if (control != null) {
      r.problem(path, control);
      return;
    }
    try {
      URI uri = new URI(url.strip());
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        r.problem(path, "is not an http(s) URL with a host (expected: e.g. https://mcp.example.com/mcp)");
      }
    } catch (URISyntaxException e) {
      r.problem(path, "is not a valid URL (expected: e.g. https://mcp.example.com/mcp)");
    }
  }

  /** A value's {@code ${VAR}} references must name variables; they are resolved when the client is built. */
  private void checkReferences(String value, String path) {
    var m = REFERENCE.matcher(value);
    while (m.find()) {
      if (!VARIABLE_NAME.matcher(m.group(1)).matches()) {
        r.problem(path, "has a ${...} that is not a variable reference (expected: ${NAME}, letters, digits and _)");
      }
    }
  }
}
