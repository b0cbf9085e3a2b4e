package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** The reference gateway's top-level keys: each one's meaning, and what {@code serve} refuses until it lands. */
class FerroTopLevelConfigTest {
  private static final String TARGETS = """
      providers: [{key: openai, provider: openai, api_key: sk-test}, {key: groq, provider: groq, api_key: gsk-t}]
      targets: [{virtual_key: openai}, {virtual_key: groq}]
      """;

  private static GatewayConfig parse(String extra) {
    return ConfigLoader.parse(TARGETS + extra, Map.of());
  }

  @Test
  void apiVersionIsAdvisory() {
    assertThat(parse("apiVersion: v1\n").notYetServed()).isEmpty();
    // Another version is read as v1 with a warning, never refused (a newer file on an older build).
    assertThat(parse("apiVersion: v9\n").targets()).hasSize(2);
  }

  @Test
  void maxRequestBytesIsTheBodyLimit() {
    assertThat(parse("max_request_bytes: 2048\n").server().maxBodyBytes()).isEqualTo(2048);
    assertThat(parse("").server().maxBodyBytes()).isEqualTo(GatewayConfig.Server.DEFAULT_MAX_BODY_BYTES);
    assertThatThrownBy(() -> parse("max_request_bytes: 2048\nserver: {max_body_bytes: 4096}\n"))
        .hasMessageContaining("max_request_bytes: is given with server.max_body_bytes (expected: one of them)");
    assertThatThrownBy(() -> parse("max_request_bytes: -1\n")).hasMessageContaining("max_request_bytes: ");
  }

  @Test
  void batchAndResponsesTargetsNameATargetAndAreNotServedYet() {
    GatewayConfig c = parse("batch_target: openai\nresponses_target: groq\n");
    assertThat(c.statefulTargets().batchTarget()).isEqualTo("openai");
    assertThat(c.statefulTargets().responsesTarget()).isEqualTo("groq");
    assertThat(c.notYetServed()).hasSize(2).allSatisfy(s -> assertThat(s).contains("does not serve"));
    assertThatThrownBy(() -> parse("batch_target: nope\n"))
        .hasMessageContaining("batch_target: \"nope\" names no target (expected one of: openai, groq)");
  }

  @Test
  void mcpServersAreReadWithTheirReferencesKeptAndRefusedByServe() {
    // The variable is set, and still not substituted: the reference resolves it when it builds the client.
    GatewayConfig c = ConfigLoader.parse(TARGETS + """
        mcp_servers:
          - {name: db, url: "https://mcp-db.internal/mcp", headers: {Authorization: "Bearer ${MCP_DB_TOKEN}"}}
        """, Map.of("MCP_DB_TOKEN", "tok-123"));
    assertThat(c.mcpServers()).singleElement().satisfies(s ->
        assertThat(s.headers()).containsEntry("Authorization", "Bearer ${MCP_DB_TOKEN}"));
    assertThat(c.notYetServed()).singleElement().asString().startsWith("mcp_servers: ");
    // Unset, it does not stop validate either.
    assertThat(parse("mcp_servers: [{name: s, command: npx, env: {K: '${UNSET_FOR_TEST}'}}]\n").mcpServers())
        .hasSize(1);
  }

  @Test
  void tracingIsRefusedOnlyWhereItWouldExport() {
    assertThat(parse("observability: {tracing: {enabled: true, endpoint: ''}}\n").notYetServed()).isEmpty();
    assertThat(parse("observability: {tracing: {enabled: true, endpoint: 'jaeger:4317'}}\n").notYetServed())
        .singleElement().asString().startsWith("observability.tracing: ");
    GatewayConfig fromEnv = ConfigLoader.parse(TARGETS, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"));
    assertThat(fromEnv.notYetServed()).singleElement().asString().startsWith("observability.tracing: ");
    assertThat(parse("observability: {exporters: [{name: langfuse, enabled: false}]}\n").notYetServed()).isEmpty();
    assertThat(parse("observability: {exporters: [{name: langfuse}]}\n").notYetServed()).singleElement()
        .asString().contains("\"langfuse\"");
  }

  @Test
  void theClientRateComesFromFerrosVariablesOrTheServerBlock() {
    GatewayConfig.Limits off = parse("").server().limits();
    assertThat(off.limitsClientRate()).isFalse();
    GatewayConfig.Limits env = ConfigLoader.parse(TARGETS, Map.of("RATE_LIMIT_RPS", "20")).server().limits();
    assertThat(env.clientRps()).isEqualTo(20);
    assertThat(env.clientBurst()).as("Ferro's default burst").isEqualTo(40);
    GatewayConfig.Limits both = ConfigLoader.parse(TARGETS, Map.of("RATE_LIMIT_RPS", "5", "RATE_LIMIT_BURST", "7"))
        .server().limits();
    assertThat(both.clientRps()).isEqualTo(5);
    assertThat(both.clientBurst()).isEqualTo(7);
    assertThat(ConfigLoader.parse(TARGETS, Map.of("RATE_LIMIT_RPS", "0")).server().limits().limitsClientRate())
        .isFalse();
    GatewayConfig.Limits block = parse("server: {rate_limit_rps: 2.5, rate_limit_burst: 3}\n").server().limits();
    assertThat(block.clientRps()).isEqualTo(2.5);
    assertThat(block.clientBurst()).isEqualTo(3);
    assertThatThrownBy(() -> ConfigLoader.parse(TARGETS, Map.of("RATE_LIMIT_RPS", "fast")))
        .hasMessageContaining("RATE_LIMIT_RPS: is not a number from 0 to 1000000")
        .hasMessageNotContaining("fast");
    assertThatThrownBy(() -> ConfigLoader.parse(TARGETS, Map.of("RATE_LIMIT_RPS", "1", "RATE_LIMIT_BURST", "0")))
        .hasMessageContaining("RATE_LIMIT_BURST: must be at least 1");
  }

  @Test
  void aJsonFileIsReadAsJson(@TempDir Path dir) throws Exception {
    String json = "{\"providers\": [{\"key\": \"m\", \"provider\": \"mock\"}]}";
    assertThat(ConfigLoader.load(Files.writeString(dir.resolve("ok.json"), json), Map.of()).providers()).hasSize(1);
    // A trailing comma is valid YAML flow syntax, but not JSON: the reference refuses it, and so does this.
    Path comma = Files.writeString(dir.resolve("comma.json"), json.replace("}]}", "},]}"));
    assertThatThrownBy(() -> ConfigLoader.load(comma, Map.of())).hasMessageContaining("config: not valid JSON");
    assertThat(ConfigLoader.load(Files.writeString(dir.resolve("comma.yaml"), json.replace("}]}", "},]}")),
        Map.of()).providers()).hasSize(1);
  }

  @Test
  void anAliasNeedsANameAndAModel() {
    assertThat(parse("aliases: {fast: gpt-4o-mini}\n").aliases()).containsEntry("fast", "gpt-4o-mini");
    assertThatThrownBy(() -> parse("aliases: {fast: \"\"}\n"))
        .hasMessageContaining("aliases.fast: is empty (expected: the model it stands for)");
    assertThatThrownBy(() -> parse("aliases: {\"\": gpt-4o}\n"))
        .hasMessageContaining("aliases: has an empty name (expected: a model name)");
    assertThatThrownBy(() -> parse("aliases: {fast: fast}\n")).hasMessageContaining("aliases.fast: aliases form a cycle");
  }
}
