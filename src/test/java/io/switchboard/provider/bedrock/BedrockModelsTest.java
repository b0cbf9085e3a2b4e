package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.ProviderType;
import io.switchboard.provider.ModelInfo;
import org.junit.jupiter.api.Test;

class BedrockModelsTest {
  @Test
  void everyKnownModelIsServedByDefaultAndEmbeddingsHaveAFamily() {
    assertThat(BedrockModels.ALL).isNotEmpty().allSatisfy(m -> {
      assertThat(ProviderType.BEDROCK.servesByDefault(m.id(), false)).as(m.id()).isTrue();
      assertThat(ProviderType.BEDROCK.servesByDefault("us." + m.id(), false)).as(m.id()).isTrue();
      assertThat(m.contextWindow()).isPositive();
      boolean embedding = m.capabilities().contains(ModelInfo.Capability.EMBEDDINGS);
      assertThat(BedrockEmbeddings.family(m.id()) != null).as(m.id()).isEqualTo(embedding);
    });
  }
}
