package io.switchboard.provider.gemini;

import static io.switchboard.provider.gemini.GeminiStreamMapperTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ProviderType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON Schema to Gemini Schema, and the provider's config lines. */
class GeminiSchemaTest {

  private static String convert(String schema) {
    return Json.string(GeminiSchema.convert(parse(schema), "p"));
  }

  @Test
  void nullableAlternativesAndConstants() {
    assertThat(parse(convert("""
        {"anyOf":[{"type":"string","format":"email","minLength":3},{"type":"null"}]}""")))
        .isEqualTo(parse("{\"nullable\":true,\"type\":\"STRING\",\"minLength\":3}"));
    assertThat(parse(convert("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}")))
        .isEqualTo(parse("{\"anyOf\":[{\"type\":\"INTEGER\"},{\"type\":\"STRING\"}]}"));
    assertThat(parse(convert("{\"const\":\"fixed\",\"type\":\"string\",\"examples\":[\"x\"]}")))
        .isEqualTo(parse("{\"type\":\"STRING\",\"enum\":[\"fixed\"]}"));
  }

  @Test
  void allOfIsMergedAndRequiredKeepsOnlyDeclaredProperties() {
    assertThat(parse(convert("""
        {"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},
                  {"properties":{"b":{"type":"number"}},"required":["b","ghost"]}]}""")))
        .isEqualTo(parse("""
            {"type":"object","properties":{"a":{"type":"STRING"},"b":{"type":"NUMBER"}},"required":["a","b"]}"""
            .replace("\"object\"", "\"OBJECT\"")));
  }

  @Test
  void aRecursiveRefIsA400() {
    assertThatThrownBy(() -> convert("""
        {"type":"object","properties":{"child":{"$ref":"#"}}}"""))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("recursive $ref"));
    assertThatThrownBy(() -> convert("{\"$ref\":\"https://example.com/schema.json\"}"))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void registeredForGeminiAndItsAliasesAndFromGeminiApiKey() {
    GatewayConfig config = ConfigLoader.parse("server: {port: 0}\n", Map.of("GEMINI_API_KEY", "AIza-env-key-123456"));
    GatewayConfig.Provider gemini = config.providers().stream().filter(p -> p.type() == ProviderType.GEMINI)
        .findFirst().orElseThrow();
    assertThat(gemini.apiKey().value()).isEqualTo("AIza-env-key-123456");
    assertThat(gemini.baseUrl()).isEqualTo("https://generativelanguage.googleapis.com/v1beta");
    GatewayConfig aliased = ConfigLoader.parse("""
        providers:
          - {key: g, provider: google-ai-studio, api_key: k1}
          - {key: h, provider: google, api_key: k2}
        """, Map.of());
    assertThat(aliased.providers()).extracting(GatewayConfig.Provider::type)
        .containsExactly(ProviderType.GEMINI, ProviderType.GEMINI);
  }
}
