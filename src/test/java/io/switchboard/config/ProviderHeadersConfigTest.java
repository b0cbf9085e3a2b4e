package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Config text that goes into an HTTP header or URL (headers, credentials, base URLs) is checked at load: a
 * control character fails {@code validate}, naming the field and not the value, instead of every request.
 */
class ProviderHeadersConfigTest {
  static final String PLAIN_SECRET = "Zq8rT2mW9xK4vN7p";

  @ParameterizedTest
  @ValueSource(strings = {"\\0", "\\r", "\\n", "\\x7f", "\\e", "\\x85"})
  void aHeaderValueWithAControlCharacterIsRefused(String escape) {
    List<String> problems = problems("""
        providers:
          - key: openai
            api_key: k-4711
            headers: {X-Team: "search%s%s", X-Tab: "a\\tb"}
        """.formatted(escape, PLAIN_SECRET), Map.of());
    assertThat(problems).singleElement().asString()
        .matches("providers\\[0]\\.headers\\.X-Team: contains a control character \\(U\\+00[0-9A-F]{2}\\) "
            + "\\(expected: printable characters\\)");
    assertThat(String.join("\n", problems)).doesNotContain(PLAIN_SECRET);
  }

  @Test
  void headerNamesAndCharactersBeyondLatin1AreRefused() {
    assertThat(problems("""
        providers:
          - {key: openai, api_key: k-4711, headers: {"X Team": a, "X-Quote": "\\u201Cb\\u201D", "X-Latin": "caf\\u00e9"}}
        """, Map.of())).containsExactly(
        "providers[0].headers: \"X Team\" is not a header name (expected: letters, digits and !#$%&'*+-.^_`|~)",
        "providers[0].headers.X-Quote: contains a character that cannot be sent in a header (U+201C) (expected: "
            + "ASCII or ISO-8859-1 characters)");
  }

  @Test
  void credentialsThatGoIntoHeadersAreChecked() {
    assertThat(problems("""
        providers:
          - {key: a, provider: openai, api_key: "k-4711\\n"}
          - {key: b, provider: azure, azure_ad_token: "t\\r\\nX-Injected: 1", base_url: "https://r.example"}
          - {key: c, provider: bedrock, region: us-east-1, aws_access_key_id: "AKIA\\0", aws_secret_access_key: s}
          - {key: d, provider: openai-compatible, base_url: "https://h.example/v\\t1"}
          - {key: e, provider: anthropic}
        """, Map.of("ANTHROPIC_API_KEY", PLAIN_SECRET + "\n"))).containsExactly(
        "providers[0].api_key: contains a control character (U+000A) (expected: printable characters)",
        "providers[1].azure_ad_token: contains a control character (U+000D) (expected: printable characters)",
        "providers[2].aws_access_key_id: contains a control character (U+0000) (expected: printable characters)",
        "providers[3].base_url: contains a control character (U+0009) (expected: printable characters)",
        "providers[4].api_key (from ANTHROPIC_API_KEY): contains a control character (U+000A) (expected: printable "
            + "characters)");
  }

  @Test
  void liteLlmExtraHeadersAreCheckedWhereTheFileHasThem() {
    assertThat(problems("""
        model_list:
          - model_name: gpt-4o
            litellm_params: {model: openai/gpt-4o, api_key: k-4711, extra_headers: {X-Team: "a\\nb"}}
        """, Map.of())).containsExactly("model_list[0].litellm_params.extra_headers.X-Team: contains a control "
        + "character (U+000A) (expected: printable characters)");
  }
}
