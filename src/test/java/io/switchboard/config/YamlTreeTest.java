package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Anchors, aliases and merge keys, as the reference gateway's YAML library reads them. */
class YamlTreeTest {
  @Test
  void anAliasIsTheAnchoredValue() throws Exception {
    JsonNode tree = YamlTree.read("""
        plugins:
          - name: budget
            stage: before_request
            config: &budget
              store_id: default
              spend_limit_usd: 10.0
          - name: budget
            stage: after_request
            config: *budget
        """);
    assertThat(tree.at("/plugins/1/config")).isEqualTo(tree.at("/plugins/0/config"));
    assertThat(tree.at("/plugins/1/config/spend_limit_usd").doubleValue()).isEqualTo(10.0);
    // A copy, not a shared node: substituting one must not change the other.
    assertThat(tree.at("/plugins/1/config")).isNotSameAs(tree.at("/plugins/0/config"));
  }

  @Test
  void mergeKeysMergeUnderTheKeysWrittenBeside() throws Exception {
    JsonNode tree = YamlTree.read("""
        targets:
          - &base {virtual_key: openai, retry: {attempts: 2}, weight: 1}
          - <<: *base
            virtual_key: groq
          - <<: [{weight: 5}, *base]
            virtual_key: mistral
        """);
    assertThat(tree.at("/targets/1/virtual_key").asText()).isEqualTo("groq");
    assertThat(tree.at("/targets/1/retry/attempts").asInt()).isEqualTo(2);
    assertThat(tree.at("/targets/2/weight").asInt()).isEqualTo(5);
    assertThat(tree.at("/targets/2").has("<<")).isFalse();
  }

  @Test
  void withoutAliasesTheTreeIsJacksonsOwn() throws Exception {
    String text = """
        a: 1
        b: 12345678901
        c: 123456789012345678901234567890
        d: 1.5
        e: "x"
        f: [true, false, null, ~]
        g: {h: {i: []}}
        """;
    assertThat(YamlTree.read(text)).isEqualTo(new ObjectMapper(new YAMLFactory()).readTree(text));
    assertThat(YamlTree.read("{\"json\": [1, 2.5, \"three\"]}").toString()).isEqualTo("{\"json\":[1,2.5,\"three\"]}");
    assertThat(YamlTree.read("")).isNull();
  }

  @Test
  void anUnknownAliasAndADuplicateKeyAreRefused() {
    assertThatThrownBy(() -> YamlTree.read("a: *nowhere")).hasMessageContaining("alias *nowhere");
    assertThatThrownBy(() -> YamlTree.read("a: 1\na: 2")).hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void aliasExpansionIsBounded() {
    StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [");
      bomb.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
    }
    assertThatThrownBy(() -> YamlTree.read(bomb.toString())).isInstanceOf(YamlTree.TooLarge.class);
  }

  @Test
  void theLoaderReadsAnchoredPluginConfigs() {
    GatewayConfig config = ConfigLoader.parse("""
        providers: [{key: m, provider: mock}]
        aliases: &names {fast: mock-gpt}
        plugins:
          - name: max-token
            config: &limits {max_tokens: 100}
        """, Map.of());
    assertThat(config.aliases()).containsEntry("fast", "mock-gpt");
    assertThat(config.plugins()).singleElement().satisfies(p -> assertThat(p.config().get("max_tokens").asInt())
        .isEqualTo(100));
  }
}
