package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A config that does not parse is described by line, column and the parser's phrase, never by its text (which
 * can hold an API key), nor by the parser's class names; a key given twice is refused, in YAML and JSON.
 */
class ConfigParseErrorsTest {
  static final String KEY = "sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWx";

  /** Nothing of the parser's own vocabulary: no excerpt, no caret, no class names. */
  static void clean(List<String> problems) {
    assertThat(String.join("\n", problems)).doesNotContain(KEY).doesNotContain("sk-proj").doesNotContain("Source")
        .doesNotContain("^").doesNotContain("snakeyaml").doesNotContain("jackson").doesNotContain("Exception")
        .doesNotContain("reader").doesNotContain("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "providers:\n  - key: openai\n    api_key: KEY\n   bad: [\n",
      "providers:\n  - key: openai\n    api_key: \"KEY\n",
      "providers:\n  - key: openai\n    api_key: KEY: x: y\n",
      "{\"providers\": [{\"key\": \"openai\", \"api_key\": \"KEY\"}",
      "providers:\n  - key: openai\n    api_key: KEY\n\tfoo: 1\n",
      "a: \"\\xZZKEY\"\n",
      "a: \"\\qKEY\"\n",
      "a: !KEY!x b\n",
      "a: |9KEY\n",
      "? [KEY]\n: 1\n",
      "providers:\n  - key: openai\n    api_key: !!binary KEY\n",
      "- KEY\n- [\n"})
  void aSyntaxErrorNamesTheLineAndColumnOnly(String yaml) {
    List<String> problems = problems(yaml.replace("KEY", KEY), Map.of());
    assertThat(problems).singleElement().asString().matches("config: not valid YAML or JSON at line \\d+, column \\d+: .+");
    clean(problems);
  }

  @Test
  void aSyntaxErrorInTheMiddleOfAQuotedKeyIsDescribedByTheParsersPhraseAlone() {
    assertThat(problems("providers:\n  - key: openai\n    api_key: \"" + KEY + "\n", Map.of())).containsExactly(
        "config: not valid YAML or JSON at line 4, column 1: found unexpected end of stream (while scanning a quoted "
            + "scalar that starts at line 3, column 14)");
    assertThat(problems("? [a]\n: 1\n", Map.of())).containsExactly(
        "config: not valid YAML or JSON at line 1, column 4: a key is a list or mapping (expected: a string)");
    assertThat(problems("a: 1\n\tb: 2\n", Map.of())).containsExactly("config: not valid YAML or JSON at line 2, "
        + "column 1: found a character that cannot start any token (do not indent with tabs) (while scanning for the "
        + "next token)");
  }

  @Test
  void duplicateKeysAreRefusedInYamlAndJsonAtEveryDepth() {
    assertThat(problems("server: {port: 1}\nserver: {port: 2}\n", Map.of())).containsExactly(
        "config: duplicate key \"server\" at line 2, column 7 (expected: each key once)");
    assertThat(problems("{\"server\": {\"port\": 1, \"port\": 2}}", Map.of())).containsExactly(
        "server: duplicate key \"port\" at line 1, column 30 (expected: each key once)");
    assertThat(problems("""
        providers:
          - key: openai
            api_key: a-key-4711
            headers:
              X-Team: search
              X-Team: ads
        """, Map.of())).containsExactly(
        "providers[0].headers: duplicate key \"X-Team\" at line 6, column 13 (expected: each key once)");
    assertThat(problems("""
        {"providers": [{"key": "a", "provider": "mock"},
                       {"key": "b", "provider": "mock", "key": "c"}]}
        """, Map.of())).singleElement().asString()
        .startsWith("providers[1]: duplicate key \"key\" at line 2, column ");
    assertThat(problems("model_list:\n  - model_name: m\n    litellm_params: {model: openai/gpt-4o, model: x}\n",
        Map.of())).singleElement().asString()
        .startsWith("model_list[0].litellm_params: duplicate key \"model\" at line 3");
  }

  @Test
  void filesThatDoNotParseAreDescribedWithoutTheirText(@TempDir Path dir) throws Exception {
    Path prices = Files.writeString(dir.resolve("prices.json"), "{\"m\": {\"input_cost_per_token\": " + KEY + "}}");
    Path dup = Files.writeString(dir.resolve("dup.json"), "{\"m\": {\"input_cost_per_token\": 1,\n"
        + " \"input_cost_per_token\": 2}}");
    List<String> problems = problems("providers: [{key: a, provider: mock}]\npricing_file: " + prices + "\n", Map.of());
    assertThat(problems).containsExactly("pricing_file: \"" + prices + "\" is not valid JSON at line 1, column 32: "
        + "found a value that is not a string, number, true, false or null");
    assertThat(problems("providers: [{key: a, provider: mock}]\npricing_file: " + dup + "\n", Map.of()))
        .containsExactly("pricing_file: \"" + dup + "\" has at m a duplicate key \"input_cost_per_token\" at line 2, "
            + "column 24 (expected: each key once)");
    clean(problems);
  }

  @Test
  void anUnreadableFileIsDescribedInWords(@TempDir Path dir) throws Exception {
    Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> ConfigLoader.load(latin1, Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly(latin1 + ": cannot be read (not UTF-8 text)"));
    assertThatThrownBy(() -> ConfigLoader.load(dir, Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly(dir + ": cannot be read (is a directory)"));
  }
}
