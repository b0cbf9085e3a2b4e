package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code switchboard migrate litellm FILE}: the printed config validates, each setting without an equivalent is
 * a comment, and no literal secret of the source reaches the output.
 */
class MigrateCommandTest {
  static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  static Path resource(String name) throws URISyntaxException {
    return Path.of(MigrateCommandTest.class.getResource(name).toURI());
  }

  /** Every variable the output names, set to a placeholder: the output must then load. */
  static Map<String, String> variablesOf(String output) {
    Map<String, String> env = new HashMap<>();
    Matcher m = VARIABLE.matcher(output);
    while (m.find()) {
      env.put(m.group(1), "placeholder-value-for-" + m.group(1));
    }
    return env;
  }

  /** The LiteLLM configs of the test resources: the migration guide's LiteLLM blocks (their "before" halves). */
  static Stream<String> guideLiteLlmBlocks() throws IOException {
    try (InputStream in = MigrateCommandTest.class.getResourceAsStream("/reference/ferro-migrate-from-litellm.md")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> blocks = new ArrayList<>();
      Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(text);
      while (m.find()) {
        String block = m.group(1);
        int after = block.indexOf("\n# After");
        String before = after < 0 ? block : block.substring(0, after);
        if (MigrateCommand.LITELLM_SECTIONS.stream().anyMatch(s -> before.contains(s + ":"))) {
          blocks.add(before);
        }
      }
      return blocks.stream();
    }
  }

  @Test
  void theGuideHasLiteLlmBlocks() throws IOException {
    assertThat(guideLiteLlmBlocks().count()).isGreaterThanOrEqualTo(4);
  }

  @ParameterizedTest
  @MethodSource("guideLiteLlmBlocks")
  void eachOfTheGuidesLiteLlmConfigsMigratesToAConfigThatValidates(String block, @TempDir Path dir) throws Exception {
    Path source = Files.writeString(dir.resolve("litellm.yaml"), block);

    Cli r = Cli.run("migrate", "litellm", source.toString());

    assertThat(r.code()).as(r.err()).isZero();
    Path migrated = Files.writeString(dir.resolve("switchboard.yaml"), r.out());
    Map<String, String> env = variablesOf(r.out());
    if (!block.contains("model_list:")) {
      // As with LiteLLM, a config without model_list takes its providers from the environment, and says so.
      assertThat(r.out()).contains("# No model_list: providers are registered from their variables");
      env.putAll(Map.of("OPENAI_API_KEY", "sk-openai-test", "ANTHROPIC_API_KEY", "sk-ant-test"));
    }
    ConfigLoader.load(migrated, env);
    assertThat(Cli.run(env, "validate", migrated.toString()).code()).isZero();
  }

  @Test
  void aFullProxyConfigMigratesWithACommentPerSettingAndNoSecret(@TempDir Path dir) throws Exception {
    Path source = resource("/cli/litellm-proxy.yaml");

    Cli r = Cli.run("migrate", "litellm", source.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    String out = r.out();
    // One comment for each setting without an equivalent.
    assertThat(out).contains("#   model_list[0].litellm_params.rpm: ")
        .contains("#   model_list[1].litellm_params.stream_timeout: ")
        .contains("#   litellm_settings.success_callback: ")
        .contains("#   general_settings.alerting: ")
        .contains("#   router_settings.routing_strategy: ");
    // Literal secrets become variables, named in a comment; os.environ/ references stay references.
    assertThat(out).doesNotContain("LiteralKeyInTheSourceFile").doesNotContain("literal-master-key")
        .contains("#   providers[0].api_key: GPT_4O_API_KEY\n").contains("#   server.master_key: MASTER_KEY\n")
        .contains("api_key: \"${GPT_4O_API_KEY}\"").contains("api_key: \"${AZURE_EU_KEY}\"");
    Path migrated = Files.writeString(dir.resolve("switchboard.yaml"), out);
    GatewayConfig config = ConfigLoader.load(migrated, variablesOf(out));
    assertThat(config.strategy().mode().configName()).isEqualTo("fallback");
    assertThat(config.providers()).extracting(GatewayConfig.Provider::key)
        .containsExactly("gpt-4o", "gpt-4o-2", "claude");
    assertThat(config.providers().getFirst().apiKey().value()).isEqualTo("placeholder-value-for-GPT_4O_API_KEY");
    assertThat(config.targets()).allSatisfy(t -> assertThat(t.retry().attempts()).isEqualTo(2));
  }

  @Test
  void whatCannotBeTranslatedExits1WithEachProblem(@TempDir Path dir) throws Exception {
    Path source = Files.writeString(dir.resolve("litellm.yaml"), """
        model_list:
          - model_name: titan
            litellm_params:
              model: acme/foo
              api_key: sk-proj-DoNotShowThisKey0123456789
          - litellm_params:
              model: openai/gpt-4o
        """);

    Cli r = Cli.run("migrate", "litellm", source.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("switchboard: " + source + " cannot be translated (2 problems):\n")
        .contains("model_list[0].litellm_params.model: \"acme/foo\" uses provider \"acme\"")
        .contains("model_list[1].model_name: is required");
    assertThat(r.printed()).doesNotContain("DoNotShowThisKey");
  }

  @Test
  void unreadableOrForeignFilesExit1(@TempDir Path dir) throws Exception {
    Path native_ = Files.writeString(dir.resolve("native.yaml"), "providers: [{key: m, provider: mock}]\n");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "model_list: [\n  api_key: \"sk-unterminated\n");

    Cli missing = Cli.run("migrate", "litellm", dir.resolve("absent.yaml").toString());
    Cli foreign = Cli.run("migrate", "litellm", native_.toString());
    Cli syntax = Cli.run("migrate", "litellm", broken.toString());

    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("absent.yaml: no such file");
    assertThat(foreign.code()).isEqualTo(1);
    assertThat(foreign.err()).contains("not a LiteLLM config");
    assertThat(syntax.code()).isEqualTo(1);
    assertThat(syntax.err()).contains("not valid YAML at line").doesNotContain("sk-unterminated");
  }

  @Test
  void badArgumentsExit2() {
    assertThat(Cli.run("migrate").code()).isEqualTo(2);
    assertThat(Cli.run("migrate", "litellm").err()).contains("migrate litellm needs the LiteLLM config file");
    Cli portkey = Cli.run("migrate", "portkey", "x.json");
    assertThat(portkey.code()).isEqualTo(2);
    assertThat(portkey.err()).contains("\"portkey\" is not a source this version migrates from (expected: litellm)");
    assertThat(Cli.run("migrate", "litellm", "a", "b").code()).isEqualTo(2);
  }
}
