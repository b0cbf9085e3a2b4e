package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.switchboard.config.GatewayConfig.Provider;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presets in a config: keys and addresses from the environment, per-account URL parts, and what is missing. */
class PresetConfigTest {
  @Test
  void withoutAProvidersBlockEachPresetKeyInTheEnvironmentAddsItsProvider() {
    GatewayConfig config = ConfigLoader.parse("server: {port: 0}", Map.of(
        "GROQ_API_KEY", "gsk-1", "MISTRAL_API_KEY", "ms-1", "MISTRAL_BASE_URL", "https://eu.mistral.example/v1/"));
    assertThat(config.providers()).extracting(Provider::key, p -> p.preset().name(), p -> p.apiKey().value(),
        Provider::baseUrl).containsExactly(
        tuple("mistral", "mistral", "ms-1", "https://eu.mistral.example/v1"),
        tuple("groq", "groq", "gsk-1", "https://api.groq.com/openai/v1"));
    assertThat(config.targets()).extracting(GatewayConfig.Target::virtualKey).containsExactly("mistral", "groq");
  }

  @Test
  void aLocalServerComesFromItsAddressAndAnIncidentalTokenAddsNothing() {
    GatewayConfig config = ConfigLoader.parse("server: {port: 0}", Map.of(
        "OLLAMA_BASE_URL", "http://gpu-box:11434/v1", "GITHUB_TOKEN", "ghp-ci", "HF_TOKEN", "hf-x"));
    assertThat(config.providers()).extracting(Provider::key, Provider::baseUrl)
        .containsExactly(tuple("ollama", "http://gpu-box:11434/v1"));
  }

  @Test
  void extraKeyVariablesAreReadForAConfiguredPreset() {
    Provider p = ConfigLoader.parse("providers: [{key: hf, provider: huggingface}]", Map.of("HF_TOKEN", "hf-tok"))
        .providers().getFirst();
    assertThat(p.apiKey().value()).isEqualTo("hf-tok");
    assertThat(ConfigLoader.parse("providers: [{key: hf, provider: huggingface}]",
        Map.of("HF_TOKEN", "hf-tok", "HUGGINGFACE_API_KEY", "hf-first")).providers().getFirst().apiKey().value())
        .isEqualTo("hf-first");
  }

  @Test
  void aMissingKeyNamesTheFieldAndEveryVariable() {
    assertThat(problems("providers: [{key: hf, provider: hugging-face}]", Map.of())).containsExactly(
        "providers[0].api_key: is required for provider hugging-face (or set HUGGING_FACE_API_KEY or "
            + "HUGGINGFACE_API_KEY or HF_TOKEN)");
  }

  @Test
  void aPerAccountPartComesFromItsFieldOrItsVariable() {
    Provider fromField = ConfigLoader.parse("providers: [{key: cf, provider: cloudflare, account_id: abc123}]",
        Map.of("CLOUDFLARE_API_TOKEN", "t")).providers().getFirst();
    assertThat(fromField.baseUrl()).isEqualTo("https://api.cloudflare.com/client/v4/accounts/abc123/ai/v1");
    Provider fromEnv = ConfigLoader.parse("providers: [{key: dbx, provider: databricks}]",
        Map.of("DATABRICKS_TOKEN", "t", "DATABRICKS_HOST", "https://dbc-1a2b.cloud.databricks.com/")).providers()
        .getFirst();
    assertThat(fromEnv.baseUrl()).isEqualTo("https://dbc-1a2b.cloud.databricks.com/serving-endpoints");
    Provider withBase = ConfigLoader.parse("providers: [{key: cf, provider: cloudflare, base_url: "
        + "\"https://gateway.ai.cloudflare.com/v1/abc/gw/workers-ai/v1\"}]", Map.of("CLOUDFLARE_API_TOKEN", "t"))
        .providers().getFirst();
    assertThat(withBase.baseUrl()).isEqualTo("https://gateway.ai.cloudflare.com/v1/abc/gw/workers-ai/v1");
  }

  @Test
  void aMissingPerAccountPartOrBaseUrlNamesTheField() {
    assertThat(problems("""
        providers:
          - {key: cf, provider: cloudflare, api_key: t}
          - {key: dbx, provider: databricks, api_key: t}
          - {key: foundry, provider: azure-foundry, api_key: t}
          - {key: local, provider: vllm}
        """, Map.of())).containsExactly(
        "providers[0].account_id: is required for provider cloudflare (or set CLOUDFLARE_ACCOUNT_ID or "
            + "CF_ACCOUNT_ID, or give base_url)",
        "providers[1].workspace: is required for provider databricks (or set DATABRICKS_WORKSPACE, or give "
            + "base_url or DATABRICKS_HOST)",
        "providers[2].resource: is required for provider azure-foundry (or set AZURE_AI_RESOURCE, or give base_url "
            + "or AZURE_FOUNDRY_ENDPOINT)",
        "providers[3].base_url: is required for provider vllm (or set VLLM_BASE_URL)");
  }

  @Test
  void aBlankBaseUrlCountsAsAbsent() {
    assertThat(ConfigLoader.parse("providers: [{key: g, provider: groq, api_key: k, base_url: \"\"}]", Map.of())
        .providers().getFirst().baseUrl()).isEqualTo("https://api.groq.com/openai/v1");
    assertThat(problems("providers: [{key: v, provider: vllm, base_url: \" \"}]", Map.of()))
        .containsExactly("providers[0].base_url: is required for provider vllm (or set VLLM_BASE_URL)");
    assertThat(problems("providers: [{key: c, provider: openai-compatible, base_url: \"\"}]", Map.of()))
        .containsExactly("providers[0].base_url: is required for provider openai-compatible");
  }

  @Test
  void aPerAccountPartCannotCarryAPathOrAnotherHost() {
    assertThat(problems("""
        providers:
          - {key: cf, provider: cloudflare, api_key: t, account_id: "abc/../../other"}
          - {key: dbx, provider: databricks, api_key: t, workspace: "evil.example/x?"}
          - {key: az, provider: azure-foundry, api_key: t, resource: "evil.example#"}
        """, Map.of())).containsExactly(
        "providers[0].account_id: is not a valid account_id (expected: letters, digits, '.', "
            + "'_', '-')",
        "providers[1].workspace: is not a valid workspace (expected: letters, digits, '.', "
            + "'_', '-')",
        "providers[2].resource: is not a valid resource (expected: letters, digits, '.', '_', '-')");
  }

  @Test
  void aPerAccountFieldOnAPresetWithoutItIsAProblem() {
    assertThat(problems("providers: [{key: g, provider: groq, api_key: k, account_id: abc}]", Map.of()))
        .containsExactly("providers[0].account_id: is not read by provider groq");
    assertThat(problems("providers: [{key: c, provider: openai-compatible, base_url: \"http://h/v1\", "
        + "workspace: w}]", Map.of()))
        .containsExactly("providers[0].workspace: is not read by provider openai-compatible (it belongs to a "
            + "preset: databricks)");
  }

  @Test
  void everyPresetWithAFixedAddressLoadsFromItsKeyAlone() {
    for (Preset preset : Presets.all()) {
      if (preset.baseUrl() == null || !preset.options().isEmpty()) {
        continue;
      }
      Provider p = ConfigLoader.parse("providers: [{key: p, provider: " + preset.name() + "}]",
          Map.of(preset.envPrefix() + "_API_KEY", "k")).providers().getFirst();
      assertThat(p.baseUrl()).as(preset.name()).isEqualTo(preset.baseUrl());
    }
  }
}
