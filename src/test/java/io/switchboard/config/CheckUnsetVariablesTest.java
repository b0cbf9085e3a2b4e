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
    assertThat(checked.unsetVariables()).containsExactly(
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
        "BLOCKED_TEST_WORD", "w")).unsetVariables()).isEmpty();
    assertThatThrownBy(() -> ConfigLoader.check(CONFIG, Map.of("GATEWAY_TEST_PORT", "eighty")))
        .hasMessageContaining("server.port: ");
    assertThatThrownBy(() -> ConfigLoader.check(CONFIG + "bogus: 1\n", Map.of()))
        .hasMessageContaining("bogus: unknown field");
  }
}
