package io.switchboard.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ProviderType;
import io.switchboard.provider.openai.OpenAiCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Azure's config (endpoint, api-version, credentials), request paths and error bodies. */
class AzureOpenAiProviderTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  private static GatewayConfig.Provider load(String entry, Map<String, String> env) {
    return ConfigLoader.parse("providers:\n  - " + entry + "\n", env).providers().getFirst();
  }

  private AzureOpenAiProvider provider(GatewayConfig.Provider config) {
    return new AzureOpenAiProvider(config, vertx, vertx.createHttpClient());
  }

  @Test
  void entryWithBaseUrlAndKeyDefaultsToTheGaApiVersion() {
    GatewayConfig.Provider p = load("{key: az, provider: azure, base_url: https://myres.openai.azure.com/, api_key: k1}",
        Map.of());
    assertThat(p.type()).isEqualTo(ProviderType.AZURE);
    assertThat(p.baseUrl()).isEqualTo("https://myres.openai.azure.com");
    AzureOptions options = (AzureOptions) p.options();
    assertThat(options.apiVersion()).isEqualTo(AzureOptions.DEFAULT_API_VERSION);
    assertThat(options.endpoint()).isNull();
    assertThat(options.adToken()).isNull();
    assertThat(provider(p).path("chat/completions", "gpt-4o-prod"))
        .isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
    assertThat(provider(p).path("embeddings", "my embed"))
        .isEqualTo("/openai/deployments/my%20embed/embeddings?api-version=2024-10-21");
  }

  @Test
  void environmentSuppliesEndpointVersionAndToken() {
    GatewayConfig.Provider p = load("{key: az, provider: azure-openai}", Map.of(
        "AZURE_OPENAI_ENDPOINT", "https://env.openai.azure.com/",
        "AZURE_OPENAI_API_VERSION", "2025-04-01-preview",
        "AZURE_OPENAI_AD_TOKEN", "eyJ-entra-token"));
    AzureOptions options = (AzureOptions) p.options();
    assertThat(options.endpoint()).isEqualTo("https://env.openai.azure.com");
    assertThat(options.apiVersion()).isEqualTo("2025-04-01-preview");
    assertThat(options.adToken().value()).isEqualTo("eyJ-entra-token");
    assertThat(options.toString()).doesNotContain("eyJ-entra-token");
    assertThat(provider(p).path("completions", "davinci"))
        .isEqualTo("/openai/deployments/davinci/completions?api-version=2025-04-01-preview");
  }

  @Test
  void aDeploymentFromTheFieldOrFerrosVariableIsFixedAndOtherwiseTheModelIsTheDeployment() {
    GatewayConfig.Provider field = load("{key: az, provider: azure, base_url: https://r.openai.azure.com, api_key: k,"
        + " deployment: prod-gpt}", Map.of("AZURE_OPENAI_DEPLOYMENT", "ignored"));
    assertThat(((AzureOptions) field.options()).deployment()).isEqualTo("prod-gpt");
    GatewayConfig.Provider env = load("{key: az, provider: azure-openai, api_key: k}", Map.of(
        "AZURE_OPENAI_ENDPOINT", "https://e.openai.azure.com", "AZURE_OPENAI_DEPLOYMENT", "dep1"));
    assertThat(((AzureOptions) env.options()).deployment()).isEqualTo("dep1");
    GatewayConfig.Provider none = load("{key: az, provider: azure, base_url: https://r.openai.azure.com, api_key: k}",
        Map.of());
    assertThat(((AzureOptions) none.options()).deployment()).isNull();
  }

  @Test
  void v1SelectsTheVersionlessApi() {
    GatewayConfig.Provider p = load("{key: az, provider: azure, base_url: https://r.openai.azure.com, api_key: k,"
        + " api_version: v1}", Map.of());
    assertThat(provider(p).path("chat/completions", "gpt-4o")).isEqualTo("/openai/v1/chat/completions");
  }

  @Test
  void problemsNameTheField() {
    assertThatThrownBy(() -> load("{key: az, provider: azure, base_url: https://r.openai.azure.com}", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].api_key")
        .hasMessageContaining("AZURE_OPENAI_AD_TOKEN");
    assertThatThrownBy(() -> load("{key: az, provider: azure, api_key: k}", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].base_url")
        .hasMessageContaining("AZURE_OPENAI_ENDPOINT");
    assertThatThrownBy(() -> load("{key: az, provider: azure, api_key: k, base_url: \"\"}", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].base_url");
    assertThat(load("{key: az, provider: azure, api_key: k, base_url: \"\"}",
        Map.of("AZURE_OPENAI_ENDPOINT", "https://e.openai.azure.com")).options())
        .isEqualTo(new AzureOptions("https://e.openai.azure.com", AzureOptions.DEFAULT_API_VERSION, null));
    assertThatThrownBy(() -> load("{key: az, provider: azure, api_key: k, base_url: https://r.openai.azure.com,"
        + " api_version: latest}", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0].api_version");
    assertThatThrownBy(() -> load("{key: az, provider: azure, api_key: k}", Map.of("AZURE_OPENAI_ENDPOINT", "ftp://x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("AZURE_OPENAI_ENDPOINT");
    assertThatThrownBy(() -> load("{key: co, provider: cohere, api_version: v1, api_key: k}", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("api_version");
  }

  @Test
  void fromEnvironmentNeedsCredentialAndEndpoint() {
    GatewayConfig config = ConfigLoader.parse("server: {port: 0}\n", Map.of(
        "AZURE_OPENAI_API_KEY", "k", "AZURE_OPENAI_ENDPOINT", "https://e.openai.azure.com",
        "COHERE_API_KEY", "co-key"));
    assertThat(config.providers()).extracting(GatewayConfig.Provider::type)
        .containsExactlyInAnyOrder(ProviderType.AZURE, ProviderType.COHERE);
    assertThatThrownBy(() -> ConfigLoader.parse("server: {port: 0}\n", Map.of("AZURE_OPENAI_API_KEY", "k")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no providers configured");
  }

  @Test
  void knownModelsAreTheConfiguredDeploymentsOnly() {
    assertThat(provider(load("{key: az, provider: azure, base_url: https://r.openai.azure.com, api_key: k}", Map.of()))
        .knownModels()).isEmpty();
    assertThat(provider(load("{key: az, provider: azure, base_url: https://r.openai.azure.com, api_key: k,"
        + " models: [gpt-4o-prod]}", Map.of())).knownModels()).extracting(m -> m.id()).containsExactly("gpt-4o-prod");
  }

  private static AzureOpenAiProvider.Codec codec() {
    GatewayConfig.Provider p = load("{key: az, provider: azure, base_url: https://r.openai.azure.com, api_key: "
        + "azure-key-0123456789}", Map.of());
    return new AzureOpenAiProvider.Codec(new OpenAiCodec(p), "azure-key-0123456789", "");
  }

  @Test
  void contentFilterErrorsKeepTheirInnerError() {
    // The shape Azure documents for a prompt its content filter blocked.
    String body = """
        {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          "type":null,"param":"prompt","code":"content_filter","status":400,
          "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{
            "hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},
            "sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}}}}}""";
    JsonNode error = codec().error(400, Buffer.buffer(body)).path("error");
    assertThat(error.path("code").asText()).isEqualTo("content_filter");
    assertThat(error.path("param").asText()).isEqualTo("prompt");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("innererror").path("code").asText()).isEqualTo("ResponsibleAIPolicyViolation");
    assertThat(error.path("innererror").path("content_filter_result").path("violence").path("filtered").asBoolean())
        .isTrue();
  }

  @Test
  void gatewayShapedErrorsKeepTheirMessageAndNeverTheKey() {
    JsonNode error = codec().error(401, Buffer.buffer(
        "{\"statusCode\":401,\"message\":\"Unauthorized. Access token is missing, invalid, audience is incorrect.\"}"))
        .path("error");
    assertThat(error.path("message").asText()).startsWith("Unauthorized.");
    assertThat(error.path("type").asText()).isEqualTo("authentication_error");
    JsonNode quoted = codec().error(401, Buffer.buffer(
        "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key azure-key-0123456789.\"}}"))
        .path("error");
    assertThat(quoted.path("message").asText()).contains("Access denied").doesNotContain("azure-key-0123456789");
    assertThat(quoted.path("code").asText()).isEqualTo("401");
  }
}
