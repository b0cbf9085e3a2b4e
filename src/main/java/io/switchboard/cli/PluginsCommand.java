package io.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code switchboard plugins}: the plugins of a running gateway, from its {@code GET /admin/plugins}. */
final class PluginsCommand implements Command {
  static final String PATH = "/admin/plugins";
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

  @Override
  public String name() {
    return "plugins";
  }

  @Override
  public String summary() {
    return "List the plugins of a running gateway";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard plugins [--gateway-url URL] [--api-key KEY] [--format table|json|yaml]
        Lists the running gateway's plugins (name, type, stage, enabled) from its admin API, which answers only
        to the gateway's master key.
          --gateway-url URL   the gateway (env: FERROGW_URL; default: http://localhost:8080)
          --api-key KEY       its master key (env: FERROGW_API_KEY, else MASTER_KEY)
          --format FORMAT     table (default), json or yaml
        Exit status: 0 listed, 1 unreachable or refused, 2 bad arguments.""";
  }

  @Override
  public Args.Spec flags() {
    return Args.Spec.of(Args.GATEWAY_URL, Args.API_KEY, Args.FORMAT);
  }

  @Override
  public int run(Args args, Io io) {
    args.positionals(0, "no arguments");
    String format = args.format(List.of("table", "json", "yaml"));
    GatewayClient gateway = GatewayClient.of(args, io);
    GatewayClient.Answer answer;
    try {
      answer = gateway.get(PATH);
    } catch (IOException e) {
      io.error("gateway unreachable at " + gateway.baseUrl() + ": " + e.getMessage());
      return 1;
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(answer.body());
    } catch (IOException | RuntimeException e) {
      body = Json.MAPPER.missingNode();
    }
    if (answer.status() != 200 || !body.isArray()) {
      String message = body.path("error").path("message").asText("");
      io.error("GET " + PATH + ": HTTP " + answer.status() + (message.isEmpty() ? "" : ": " + message));
      return 1;
    }
    switch (format) {
      case "json" -> io.out().println(body.toPrettyString());
      case "yaml" -> {
        try {
          io.out().print(YAML.writeValueAsString(body));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      default -> table(body, io);
    }
    return 0;
  }

  private static void table(JsonNode plugins, Io io) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "TYPE", "STAGE", "ENABLED"});
    for (JsonNode p : plugins) {
      rows.add(new String[] {p.path("name").asText(), p.path("type").asText("-"), p.path("stage").asText("-"),
          p.path("enabled").asBoolean() ? "yes" : "no"});
    }
    int[] widths = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
      }
      io.out().println(line);
    }
    if (plugins.isEmpty()) {
      io.out().println("(no plugins configured)");
    }
  }
}
