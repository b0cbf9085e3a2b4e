package io.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ModelInfo.Capability;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CohereProviderTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  private CohereProvider provider(String entry, Map<String, String> env) {
    GatewayConfig.Provider config = ConfigLoader.parse("providers:\n  - " + entry + "\n", env).providers().getFirst();
    return new CohereProvider(config, UnsupportedParamPolicy.WARN, vertx, vertx.createHttpClient());
  }

  @Test
  void keyFromTheEnvironmentAndTheDefaultBaseUrl() {
    CohereProvider p = provider("{key: co, provider: cohere}", Map.of("COHERE_API_KEY", "co-env"));
    assertThat(p.config().apiKey().value()).isEqualTo("co-env");
    assertThat(p.config().baseUrl()).isEqualTo("https://api.cohere.com/v2");
    assertThat(p.serves("command-a-03-2025")).isTrue();
    assertThat(p.serves("embed-v4.0")).isTrue();
    assertThat(p.serves("gpt-4o")).isFalse();
  }

  @Test
  void knownModelsListChatAndEmbeddingModelsWithTheirWindows() {
    var models = provider("{key: co, provider: cohere, api_key: k}", Map.of()).knownModels();
    assertThat(models).extracting(ModelInfo::id).contains("command-a-03-2025", "command-r-plus", "command-r",
        "embed-v4.0", "embed-english-v3.0");
    ModelInfo commandA = models.stream().filter(m -> m.id().equals("command-a-03-2025")).findFirst().orElseThrow();
    assertThat(commandA.contextWindow()).isEqualTo(256_000);
    assertThat(commandA.capabilities()).contains(Capability.CHAT, Capability.STREAMING, Capability.TOOLS);
    ModelInfo embed = models.stream().filter(m -> m.id().equals("embed-english-v3.0")).findFirst().orElseThrow();
    assertThat(embed.capabilities()).containsExactly(Capability.EMBEDDINGS);
  }

  @Test
  void configuredModelsNarrowTheList() {
    var models = provider("{key: co, provider: cohere, api_key: k, models: [command-r, my-finetune]}", Map.of())
        .knownModels();
    assertThat(models).extracting(ModelInfo::id).containsExactly("command-r", "my-finetune");
    assertThat(models.getFirst().contextWindow()).isEqualTo(128_000);
  }
}
