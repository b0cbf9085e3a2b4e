package io.switchboard.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider kinds this build speaks. Each knows its default API root, the environment variables
 * that configure it, and the model families it serves when a config lists none.
 */
public enum ProviderType {
  OPENAI("openai", "https://api.openai.com/v1", "OPENAI",
      Pattern.compile("^(gpt-|chatgpt-|o[1-9]|text-embedding-|davinci|babbage|omni-moderation|text-moderation"
          + "|dall-e|tts-|whisper|computer-use|codex-)")),
  /** Any server speaking the OpenAI API at {@code base_url}; serves any model unless its config lists some. */
  OPENAI_COMPATIBLE("openai-compatible", null, null, null),
  ANTHROPIC("anthropic", "https://api.anthropic.com", "ANTHROPIC", Pattern.compile("^claude-")),
  /** Built in, answers in OpenAI format without any network; serves any model unless its config lists some. */
  MOCK("mock", null, null, null);

  private final String configName;
  private final String defaultBaseUrl;
  private final String envPrefix;
  /** Null for a type that serves any model. */
  private final Pattern modelFamilies;

  ProviderType(String configName, String defaultBaseUrl, String envPrefix, Pattern modelFamilies) {
    this.configName = configName;
    this.defaultBaseUrl = defaultBaseUrl;
    this.envPrefix = envPrefix;
    this.modelFamilies = modelFamilies;
  }

  public String configName() {
    return configName;
  }

  /** Null where the provider has no public endpoint and {@code base_url} is required (or unused). */
  public String defaultBaseUrl() {
    return defaultBaseUrl;
  }

  /** Prefix of the {@code <P>_API_KEY} / {@code <P>_BASE_URL} variables, or null. */
  public String envPrefix() {
    return envPrefix;
  }

  /**
   * Whether a provider of this type serves {@code model} by default: a config that lists the provider's
   * models replaces the default; otherwise a type with model families serves those, and a type without
   * serves anything.
   */
  public boolean servesByDefault(String model, boolean configListsModels) {
    return !configListsModels && (modelFamilies == null || modelFamilies.matcher(model).find());
  }

  public boolean needsApiKey() {
    return this == OPENAI || this == ANTHROPIC;
  }

  static Optional<ProviderType> parse(String name) {
    String normalized = name.replace('_', '-');
    if (normalized.equals("custom") || normalized.equals("openai-like")) {
      return Optional.of(OPENAI_COMPATIBLE);
    }
    return Arrays.stream(values()).filter(t -> t.configName.equals(normalized)).findFirst();
  }

  static String expected() {
    return String.join(", ", Arrays.stream(values()).map(ProviderType::configName).toList());
  }

  static List<ProviderType> fromEnvironment() {
    return List.of(OPENAI, ANTHROPIC);
  }
}
