package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code validate} away from the machine with the secrets: unset variables are noted; {@code serve} refuses them. */
class CheckUnsetVariablesTest {
  private static final String CONFIG = """
      server: {port: "${GATEWAY_TEST_PORT}"}
      providers: [{key: openai, provider: openai, api_key: "${OPENAI_TEST_KEY}"}]
      plugins:
        - name: word-filter
          config: {words: ["${BLOCKED_TEST_WORD}", "secret"]}
      """;

  @Test
  void checkNotesEachUnsetVariableWhereItIs() {
    ConfigLoader.Checked checked = ConfigLoader.check(CONFIG, Map.of());
    assertThat(checked.notes()).containsExactly(
        "server.port: environment variable GATEWAY_TEST_PORT is not set here (serve needs it, or a default: "
            + "${GATEWAY_TEST_PORT:-default})",
        "providers[0].api_key: environment variable OPENAI_TEST_KEY is not set here (serve needs it, or a default: "
            + "${OPENAI_TEST_KEY:-default})",
        "plugins[0].config.words[0]: environment variable BLOCKED_TEST_WORD is not set here (serve needs "
            + "it, or a default: ${BLOCKED_TEST_WORD:-default})");
    assertThat(checked.config().providers()).hasSize(1);
  }

  @Test
  void parseForServeRefusesThem() {
    assertThatThrownBy(() -> ConfigLoader.parse(CONFIG, Map.of()))
        .hasMessageContaining("providers[0].api_key: environment variable OPENAI_TEST_KEY is not set");
  }

  @Test
  void setVariablesAreCheckedAsUsualAndOtherProblemsStay() {
    assertThat(ConfigLoader.check(CONFIG, Map.of("GATEWAY_TEST_PORT", "8080", "OPENAI_TEST_KEY", "sk-x",
        "BLOCKED_TEST_WORD", "w")).notes()).isEmpty();
    assertThatThrownBy(() -> ConfigLoader.check(CONFIG, Map.of("GATEWAY_TEST_PORT", "eighty")))
        .hasMessageContaining("server.port: ");
    assertThatThrownBy(() -> ConfigLoader.check(CONFIG + "bogus: 1\n", Map.of()))
        .hasMessageContaining("bogus: unknown field");
  }

  @Test
  void aFerroConfigChecksWithoutItsProvidersVariables() {
    String ferro = """
        strategy: {mode: fallback}
        targets: [{virtual_key: openai}, {virtual_key: anthropic}, {virtual_key: groq}]
        """;
    ConfigLoader.Checked nothingSet = ConfigLoader.check(ferro, Map.of());
    assertThat(nothingSet.notes()).contains(
        "providers: none found in this environment (serve needs a provider's variables, such as OPENAI_API_KEY)",
        "targets[0].virtual_key: provider \"openai\" is not registered in this environment (serve needs its "
            + "variables)");
    ConfigLoader.Checked oneSet = ConfigLoader.check(ferro, Map.of("OPENAI_API_KEY", "sk-x"));
    assertThat(oneSet.notes()).containsExactly(
        "targets[1].virtual_key: provider \"anthropic\" is not registered in this environment (serve needs its "
            + "variables)",
        "targets[2].virtual_key: provider \"groq\" is not registered in this environment (serve needs its "
            + "variables)");
    // A name that is no provider at all is still the file's problem, and serve still refuses the missing ones.
    assertThatThrownBy(() -> ConfigLoader.check(ferro.replace("groq", "nonesuch"), Map.of("OPENAI_API_KEY", "sk-x")))
        .hasMessageContaining("targets[2].virtual_key: \"nonesuch\" names no provider");
    assertThatThrownBy(() -> ConfigLoader.parse(ferro, Map.of("OPENAI_API_KEY", "sk-x")))
        .hasMessageContaining("targets[1].virtual_key: \"anthropic\" names no provider");
  }
}
