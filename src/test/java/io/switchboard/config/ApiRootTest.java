package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Base URLs read as Ferro reads them: a bare host gets the version segment, a versioned root is kept. */
class ApiRootTest {
  @Test
  void aBareHostGetsTheDefaultRootsVersionSegmentOnly() {
    assertThat(ApiRoot.of("https://api.anthropic.com/v1").resolve("https://proxy.internal"))
        .isEqualTo("https://proxy.internal/v1");
    assertThat(ApiRoot.of("https://generativelanguage.googleapis.com/v1beta").resolve("http://h:8080"))
        .isEqualTo("http://h:8080/v1beta");
    // Groq's root is /openai/v1: a bare host gets /v1, not /openai/v1, as Ferro does.
    assertThat(ApiRoot.of("https://api.groq.com/openai/v1").resolve("http://h")).isEqualTo("http://h/v1");
    // A root without a version segment (DeepInfra's /v1/openai, Perplexity's bare host) adds nothing.
    assertThat(ApiRoot.of("https://api.deepinfra.com/v1/openai").resolve("http://h")).isEqualTo("http://h");
    assertThat(ApiRoot.of("https://api.perplexity.ai").resolve("http://h")).isEqualTo("http://h");
    assertThat(ApiRoot.of("https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1").resolve("http://h"))
        .isEqualTo("http://h/v1");
  }

  @Test
  void aUrlWithAPathIsTheRootAsGiven() {
    ApiRoot anthropic = ApiRoot.of("https://api.anthropic.com/v1");
    assertThat(anthropic.resolve("https://proxy.internal/v1")).isEqualTo("https://proxy.internal/v1");
    assertThat(anthropic.resolve("https://proxy.internal/anthropic")).isEqualTo("https://proxy.internal/anthropic");
    assertThat(anthropic.resolve("https://gw.example/v1/acct/gw/anthropic/v1"))
        .isEqualTo("https://gw.example/v1/acct/gw/anthropic/v1");
  }

  @Test
  void aMountPointGetsItsSuffixUnlessItEndsInItOrInAVersion() {
    ApiRoot cohere = ApiRoot.mount("/v2");
    assertThat(cohere.resolve("https://proxy.internal")).isEqualTo("https://proxy.internal/v2");
    assertThat(cohere.resolve("https://proxy.internal/cohere")).isEqualTo("https://proxy.internal/cohere/v2");
    assertThat(cohere.resolve("https://proxy.internal/v2")).isEqualTo("https://proxy.internal/v2");
    ApiRoot databricks = ApiRoot.mount("/serving-endpoints");
    assertThat(databricks.resolve("https://dbc.cloud.databricks.com"))
        .isEqualTo("https://dbc.cloud.databricks.com/serving-endpoints");
    assertThat(databricks.resolve("https://dbc.cloud.databricks.com/serving-endpoints"))
        .isEqualTo("https://dbc.cloud.databricks.com/serving-endpoints");
  }

  @Test
  void verbatimKeepsEvenABareHost() {
    assertThat(ApiRoot.VERBATIM.resolve("https://x.endpoints.huggingface.cloud"))
        .isEqualTo("https://x.endpoints.huggingface.cloud");
  }

  @Test
  void bothFormsOfEveryNativeRootLoadToTheSameRoot() {
    for (String[] kind : new String[][] {
        {"anthropic", "ANTHROPIC", "/v1"}, {"gemini", "GEMINI", "/v1beta"}, {"cohere", "COHERE", "/v2"},
        {"openai", "OPENAI", "/v1"}, {"groq", "GROQ", "/v1"}, {"qwen", "QWEN", "/v1"}}) {
      String bare = root(kind[0], Map.of(kind[1] + "_API_KEY", "k", kind[1] + "_BASE_URL", "https://proxy.internal/"));
      String versioned = root(kind[0], Map.of(kind[1] + "_API_KEY", "k",
          kind[1] + "_BASE_URL", "https://proxy.internal" + kind[2]));
      String field = root(kind[0], "https://proxy.internal" + kind[2] + "/", Map.of(kind[1] + "_API_KEY", "k"));
      assertThat(bare).as(kind[0]).isEqualTo("https://proxy.internal" + kind[2]);
      assertThat(versioned).as(kind[0]).isEqualTo(bare);
      assertThat(field).as(kind[0]).isEqualTo(bare);
    }
  }

  @Test
  void theDefaultRootsCarryTheirVersion() {
    assertThat(root("anthropic", Map.of("ANTHROPIC_API_KEY", "k"))).isEqualTo("https://api.anthropic.com/v1");
    assertThat(root("gemini", Map.of("GEMINI_API_KEY", "k")))
        .isEqualTo("https://generativelanguage.googleapis.com/v1beta");
    assertThat(root("cohere", Map.of("COHERE_API_KEY", "k"))).isEqualTo("https://api.cohere.com/v2");
    assertThat(root("replicate", Map.of("REPLICATE_API_TOKEN", "k"))).isEqualTo("https://api.replicate.com/v1");
    assertThat(root("qwen", Map.of("QWEN_API_KEY", "k")))
        .isEqualTo("https://dashscope-intl.aliyuncs.com/compatible-mode/v1");
    assertThat(root("ollama-cloud", Map.of("OLLAMA_API_KEY", "k"))).isEqualTo("https://ollama.com/v1");
  }

  @Test
  void aBadBaseUrlVariableNamesTheVariableNotItsValue() {
    assertThat(problems("providers: [{key: h, provider: hugging-face, api_key: k}]",
        Map.of("HUGGING_FACE_ENDPOINT", "ftp://secret-host"))).containsExactly(
        "providers[0].base_url (from HUGGING_FACE_ENDPOINT): is not an http(s) URL with a host");
  }

  static String root(String provider, Map<String, String> env) {
    return ConfigLoader.parse("providers: [{key: p, provider: " + provider + "}]", env).providers().getFirst()
        .baseUrl();
  }

  static String root(String provider, String baseUrl, Map<String, String> env) {
    return ConfigLoader.parse("providers: [{key: p, provider: " + provider + ", base_url: \"" + baseUrl + "\"}]", env)
        .providers().getFirst().baseUrl();
  }
}
