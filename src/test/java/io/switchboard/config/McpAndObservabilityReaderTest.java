package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.config.ObservabilityConfig.Privacy;
import io.switchboard.config.ObservabilityConfig.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code mcp_servers} and {@code observability} blocks in the reference gateway's spelling. */
class McpAndObservabilityReaderTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode yaml(String text) throws Exception {
    return YAML.readTree(text);
  }

  private static List<String> mcpProblems(String text) throws Exception {
    NodeReader r = new NodeReader();
    new McpServersReader(r).read(yaml(text));
    return r.problems();
  }

  @Test
  void anHttpAndAStdioServerWithTheReferencesDefaults() throws Exception {
    NodeReader r = new NodeReader();
    List<McpServerConfig> servers = new McpServersReader(r).read(yaml("""
        - name: database
          url: "https://mcp-db.internal/mcp"
          headers: {Authorization: "Bearer ${MCP_DB_TOKEN}"}
          allowed_tools: [query_readonly, list_tables]
          timeout_seconds: 15
          max_call_depth: 5
          required: true
        - name: brave-search
          command: npx
          args: [-y, "@modelcontextprotocol/server-brave-search"]
          env: {BRAVE_API_KEY: "${BRAVE_API_KEY}"}
        """));
    assertThat(r.problems()).isEmpty();
    McpServerConfig http = servers.get(0);
    assertThat(http.stdio()).isFalse();
    // The reference is kept, not resolved: the config never holds the secret.
    assertThat(http.headers()).containsEntry("Authorization", "Bearer ${MCP_DB_TOKEN}");
    assertThat(http.allowedTools()).containsExactly("query_readonly", "list_tables");
    assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(http.maxCallDepth()).isEqualTo(5);
    assertThat(http.required()).isTrue();
    McpServerConfig stdio = servers.get(1);
    assertThat(stdio.stdio()).isTrue();
    assertThat(stdio.args()).containsExactly("-y", "@modelcontextprotocol/server-brave-search");
    assertThat(stdio.env()).containsEntry("BRAVE_API_KEY", "${BRAVE_API_KEY}");
    // Unset: 0 (the depth then comes from the other servers, else 5) and 30 s; not required.
    assertThat(stdio.maxCallDepth()).isZero();
    assertThat(stdio.timeout()).isEqualTo(McpServerConfig.DEFAULT_TIMEOUT);
    assertThat(stdio.required()).isFalse();
  }

  @Test
  void headerValuesStayOutOfToString() throws Exception {
    NodeReader r = new NodeReader();
    McpServerConfig s = new McpServersReader(r).read(yaml("""
        - {name: a, url: "https://x.example/mcp", headers: {Authorization: "Bearer sk-literal-secret-123"}}
        """)).getFirst();
    assertThat(s.toString()).contains("Authorization").doesNotContain("sk-literal-secret-123");
  }

  @Test
  void theTransportRulesAreChecked() throws Exception {
    assertThat(mcpProblems("[{name: a}]")).containsExactly(
        "mcp_servers[0]: has no transport (expected: url for Streamable HTTP, or command for stdio)");
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp', command: npx}]")).singleElement().asString()
        .startsWith("mcp_servers[0]: has both url and command");
    assertThat(mcpProblems("[{url: 'http://x/mcp'}]")).singleElement().asString().startsWith("mcp_servers[0].name:");
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp'}, {name: a, url: 'http://y/mcp'}]"))
        .containsExactly("mcp_servers[1].name: \"a\" is used by another server (expected: a unique name)");
    assertThat(mcpProblems("[{name: a, url: 'ftp://x/mcp'}]")).singleElement().asString()
        .startsWith("mcp_servers[0].url: is not an http(s) URL");
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp', args: [x]}]")).containsExactly(
        "mcp_servers[0].args: applies to stdio servers only (this one has a url)");
    assertThat(mcpProblems("[{name: a, command: npx, headers: {A: b}}]")).containsExactly(
        "mcp_servers[0].headers: applies to HTTP servers only (this one has a command)");
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp', max_call_depth: -1}]")).singleElement().asString()
        .startsWith("mcp_servers[0].max_call_depth:");
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp', timeout_seconds: -5}]")).singleElement().asString()
        .startsWith("mcp_servers[0].timeout_seconds:");
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp', headers: {A: '${not a name}'}}]")).singleElement()
        .asString().startsWith("mcp_servers[0].headers.A: has a ${...} that is not a variable reference");
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp', bogus: 1}]")).singleElement().asString()
        .startsWith("mcp_servers[0].bogus: unknown field");
    // A bare $ is data, not a reference.
    assertThat(mcpProblems("[{name: a, url: 'http://x/mcp', headers: {A: 'pa$$word'}}]")).isEmpty();
  }

  private static ObservabilityConfig observability(String text, Map<String, String> env, List<String> problems)
      throws Exception {
    NodeReader r = new NodeReader();
    ObservabilityConfig c = new ObservabilityReader(r, env).read(text == null ? null : yaml(text));
    problems.addAll(r.problems());
    return c;
  }

  @Test
  void tracingExportsOnlyWithAnEndpointFromTheConfigOrTheEnvironment() throws Exception {
    List<String> problems = new java.util.ArrayList<>();
    // The reference's example: switched on, no endpoint, nothing exported.
    ObservabilityConfig example = observability("""
        tracing: {enabled: true, endpoint: "", protocol: grpc, service_name: ferrogw, sample_ratio: 1.0,
                  privacy_level: metadata, shutdown_grace: 10s}
        """, Map.of(), problems);
    assertThat(example.tracing().enabled()).isTrue();
    assertThat(example.tracing().exports()).isFalse();
    assertThat(example.tracing().serviceName()).isEqualTo("ferrogw");

    ObservabilityConfig jaeger = observability("""
        tracing: {enabled: true, endpoint: "jaeger:4317", protocol: grpc, sample_ratio: 0.25, privacy_level: full}
        """, Map.of(), problems);
    assertThat(jaeger.tracing().exports()).isTrue();
    assertThat(jaeger.tracing().sampleRatio()).isEqualTo(0.25);
    assertThat(jaeger.tracing().privacy()).isEqualTo(Privacy.FULL);

    ObservabilityConfig off = observability("tracing: {enabled: false, endpoint: 'http://c:4318'}", Map.of(),
        problems);
    assertThat(off.tracing().exports()).isFalse();

    // Either variable alone switches tracing on, block or no block.
    ObservabilityConfig env = observability(null, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), problems);
    assertThat(env.tracing().exports()).isTrue();
    ObservabilityConfig envOverBlock = observability("tracing: {protocol: http/protobuf}",
        Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"), problems);
    assertThat(envOverBlock.tracing().exports()).isTrue();
    assertThat(envOverBlock.tracing().protocol()).isEqualTo(Protocol.HTTP_PROTOBUF);
    assertThat(problems).isEmpty();
  }

  @Test
  void tracingValuesTheReferenceIgnoresAreProblemsHere() throws Exception {
    List<String> problems = new java.util.ArrayList<>();
    observability("""
        tracing: {enabled: true, endpoint: "x y z", protocol: udp, sample_ratio: 2, privacy_level: all, bogus: 1}
        exporters: [{name: langsmith, config: 3}]
        """, Map.of(), problems);
    assertThat(problems).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactlyInAnyOrder(
        "observability.tracing.bogus", "observability.tracing.endpoint", "observability.tracing.protocol",
        "observability.tracing.sample_ratio", "observability.tracing.privacy_level",
        "observability.exporters[0].config");
  }

  @Test
  void exportersAreKeptWithTheirConfigUnread() throws Exception {
    List<String> problems = new java.util.ArrayList<>();
    ObservabilityConfig c = observability("""
        exporters:
          - name: langfuse
            enabled: true
            config: {public_key: "${LANGFUSE_PUBLIC_KEY}"}
        """, Map.of(), problems);
    assertThat(problems).isEmpty();
    assertThat(c.exporters()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("langfuse");
      assertThat(e.enabled()).isTrue();
      assertThat(e.config().get("public_key").asText()).isEqualTo("${LANGFUSE_PUBLIC_KEY}");
    });
  }
}
