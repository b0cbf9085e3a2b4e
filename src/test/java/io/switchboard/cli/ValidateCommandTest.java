package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard validate}: where the file comes from, the exit codes, and the summary of a valid config. */
class ValidateCommandTest {
  static final String SECRET = "sk-proj-NeverPrintThis0123456789abcdef";
  static final String CONFIG = """
      providers:
        - {key: primary, provider: openai, api_key: "%s"}
        - {key: claude, provider: anthropic, api_key: "${ANTHROPIC_API_KEY}"}
        - {key: m, provider: mock}
      targets: [{virtual_key: primary}, {virtual_key: claude}, {virtual_key: m}]
      strategy: {mode: fallback}
      aliases: {fast: gpt-4o-mini, smart: claude-sonnet-4}
      plugins:
        - {name: word-filter, type: guardrail, stage: before_request, enabled: true, config: {words: [x]}}
        - {name: max-token, type: guardrail, stage: before_request, enabled: false, config: {max_tokens: 10}}
      """.formatted(SECRET);
  static final Map<String, String> ENV = Map.of("ANTHROPIC_API_KEY", "sk-ant-AlsoNeverPrinted987654321");

  @Test
  void aValidFileGivenAsAnArgumentIsSummarised(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("gateway.yaml"), CONFIG);

    Cli r = Cli.run(ENV, "validate", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("[OK] " + file + " is valid\n"
        + "  Strategy:  fallback\n"
        + "  Targets:   3 (primary, claude, m)\n"
        + "  Providers: primary (openai), claude (anthropic), m (mock)\n"
        + "  Plugins:   word-filter (enabled), max-token (disabled)\n"
        + "  Aliases:   2 (fast -> gpt-4o-mini, smart -> claude-sonnet-4)\n");
    assertThat(r.printed()).doesNotContain(SECRET).doesNotContain(ENV.get("ANTHROPIC_API_KEY"));
  }

  @Test
  void theConfigFlagAndGatewayConfigNameTheFileToo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("gateway.yaml"), CONFIG);
    Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "x", "GATEWAY_CONFIG", file.toString());

    Cli flag = Cli.run(ENV, "validate", "--config", file.toString());
    Cli equals = Cli.run(ENV, "validate", "--config=" + file);
    Cli variable = Cli.run(env, "validate");

    assertThat(flag.code()).isZero();
    assertThat(equals.out()).isEqualTo(flag.out());
    assertThat(variable.code()).isZero();
    assertThat(variable.out()).isEqualTo(flag.out());
  }

  @Test
  void anArgumentWinsOverGatewayConfig(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("good.yaml"), CONFIG);
    Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "x", "GATEWAY_CONFIG", dir.resolve("absent.yaml").toString());

    assertThat(Cli.run(env, "validate", good.toString()).code()).isZero();
    assertThat(Cli.run(env, "validate").code()).isEqualTo(1);
  }

  @Test
  void anInvalidFileExits1WithEachProblemAndNoValue(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yaml"), CONFIG.replace("mode: fallback", "mode: sideways")
        .replace("\"${ANTHROPIC_API_KEY}\"", "\"${UNSET_VARIABLE_FOR_TEST}\""));

    Cli r = Cli.run(ENV, "validate", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("switchboard: " + file + " is not a valid config (2 problems):\n")
        .contains("strategy.mode").contains("UNSET_VARIABLE_FOR_TEST");
    assertThat(r.printed()).doesNotContain(SECRET);
  }

  @Test
  void aMissingFileExits1() {
    Cli r = Cli.run("validate", "/nonexistent/switchboard-test.yaml");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("/nonexistent/switchboard-test.yaml: no such file");
  }

  @Test
  void badArgumentsExit2WithTheUsage(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("gateway.yaml"), CONFIG);

    Cli none = Cli.run("validate");
    Cli two = Cli.run("validate", file.toString(), file.toString());
    Cli both = Cli.run("validate", file.toString(), "--config", file.toString());

    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).startsWith("switchboard: validate: needs a config file: switchboard validate FILE (or set "
        + "GATEWAY_CONFIG)\nUsage:");
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).contains("unexpected argument \"" + file + "\"");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
  }
}
