package io.switchboard.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code mcp_servers} entry as the reference gateway writes it: a Streamable HTTP server ({@code url},
 * {@code headers}) or a stdio one ({@code command}, {@code args}, {@code env}). Header and env values keep their
 * {@code ${VAR}} references: they are resolved when the client is built, so a config never holds the secret.
 */
public record McpServerConfig(String name, String url, Map<String, String> headers, String command,
    List<String> args, Map<String, String> env, List<String> allowedTools, int maxCallDepth, Duration timeout,
    boolean required) {
  /** The reference's defaults: a depth of 5 when no server sets one, 30 s per tool call. */
  public static final int DEFAULT_MAX_CALL_DEPTH = 5;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public McpServerConfig {
    headers = Map.copyOf(headers);
    args = List.copyOf(args);
    env = Map.copyOf(env);
    allowedTools = List.copyOf(allowedTools);
  }

  public boolean stdio() {
    return command != null;
  }

  @Override
  public String toString() {
    // Header and env values may be literal secrets: names only.
    return "McpServerConfig[name=" + name + ", url=" + url + ", headers=" + headers.keySet() + ", command=" + command
        + ", env=" + env.keySet() + ", allowedTools=" + allowedTools + ", maxCallDepth=" + maxCallDepth
        + ", timeout=" + timeout + ", required=" + required + "]";
  }
}
