package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ferro's {@code FERRO_OLLAMA_MODELS} (and the deprecated {@code OLLAMA_MODELS}): the models Ollama serves. */
class OllamaModelsFromEnvironmentTest {
  private static GatewayConfig.Provider ollama(Map<String, String> env) {
    return ConfigLoader.parse("targets: [{virtual_key: ollama}]\n", env).providers().stream()
        .filter(p -> p.key().equals("ollama")).findFirst().orElseThrow();
  }

  @Test
  void theListedModelsAreTheOnesServed() {
    GatewayConfig.Provider p = ollama(Map.of("OLLAMA_HOST", "http://127.0.0.1:11434",
        "FERRO_OLLAMA_MODELS", "llama3.2, qwen2.5:7b"));
    assertThat(p.models()).containsExactly("llama3.2", "qwen2.5:7b");
  }

  @Test
  void ferrosVariableWinsAndOllamasDirectoryIsNotAModel() {
    assertThat(ollama(Map.of("OLLAMA_HOST", "http://h:11434", "FERRO_OLLAMA_MODELS", "llama3.2",
        "OLLAMA_MODELS", "mistral")).models()).containsExactly("llama3.2");
    // On a host running Ollama, OLLAMA_MODELS is where it keeps its models.
    assertThat(ollama(Map.of("OLLAMA_HOST", "http://h:11434", "OLLAMA_MODELS", "/usr/share/ollama/.ollama/models"))
        .models()).isEmpty();
    assertThat(ollama(Map.of("OLLAMA_HOST", "http://h:11434", "OLLAMA_MODELS", "mistral,~/models")).models())
        .containsExactly("mistral");
  }

  @Test
  void withoutAListNoneIsSet() {
    GatewayConfig.Provider p = ollama(Map.of("OLLAMA_HOST", "http://h:11434"));
    assertThat(p.models()).isEmpty();
  }
}
