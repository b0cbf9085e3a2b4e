package io.switchboard.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
  /**
   * Any server speaking the OpenAI API at {@code base_url}; serves any model unless its config lists some.
   * The named OpenAI-compatible providers (groq, mistral, ...) are this type with a {@link Preset}.
   */
  OPENAI_COMPATIBLE("openai-compatible", null, null, null),
  ANTHROPIC("anthropic", "https://api.anthropic.com/v1", "ANTHROPIC", Pattern.compile("^claude-")),
  /** Google AI Studio's Gemini API (generateContent), with an API key. */
  GEMINI("gemini", "https://generativelanguage.googleapis.com/v1beta", "GEMINI",
      Pattern.compile("^(gemini-|gemma-|text-embedding-004|embedding-001|gemini-embedding-)")),
  /** Gemini and Anthropic models on Google Cloud's Vertex AI; the URL comes from the project and region. */
  VERTEX("vertex-ai", null, "VERTEX_AI", Pattern.compile("^(gemini-|claude-|text-embedding-|text-multilingual-)")),
  /** AWS Bedrock's Converse API; the URL comes from the region. */
  BEDROCK("bedrock", null, null, Pattern.compile(
      "^((us|eu|apac|global|us-gov)\\.)?(anthropic|amazon|meta|mistral|cohere|ai21|deepseek|qwen|openai|writer)\\.")),
  /** Cohere's v2 chat and embed APIs. */
  COHERE("cohere", "https://api.cohere.com/v2", "COHERE", Pattern.compile("^(command|embed-|c4ai-)")),
  /** Azure OpenAI: deployments under a resource endpoint, with {@code api-version}. */
  AZURE("azure", null, "AZURE_OPENAI", null),
  /** Replicate's predictions API; serves the models its config (or REPLICATE_TEXT_MODELS) lists. */
  REPLICATE("replicate", "https://api.replicate.com/v1", "REPLICATE",
      Pattern.compile("^meta/meta-llama-3\\.1-(405b|70b|8b)-instruct(:|$)")),
  /** Built in, answers in OpenAI format without any network; serves any model unless its config lists some. */
  MOCK("mock", null, null, null);

  /** Other spellings of the types' names, as LiteLLM and the providers' own docs write them. */
  private static final Map<String, ProviderType> ALIASES = Map.ofEntries(
      Map.entry("custom", OPENAI_COMPATIBLE),
      Map.entry("openai-like", OPENAI_COMPATIBLE),
      Map.entry("google", GEMINI),
      Map.entry("google-ai-studio", GEMINI),
      Map.entry("vertex", VERTEX),
      Map.entry("vertexai", VERTEX),
      Map.entry("google-vertex", VERTEX),
      Map.entry("aws-bedrock", BEDROCK),
      Map.entry("amazon-bedrock", BEDROCK),
      Map.entry("azure-openai", AZURE));

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

  /** Whether {@code api_key} (or {@code <P>_API_KEY}) is required; other kinds check their own credentials. */
  public boolean needsApiKey() {
    return this == OPENAI || this == ANTHROPIC || this == GEMINI || this == COHERE || this == REPLICATE;
  }

  /** The variables read for the API key, in order: Replicate's is a token, as Replicate and Ferro name it. */
  public List<String> apiKeyEnv() {
    if (envPrefix == null) {
      return List.of();
    }
    return this == REPLICATE ? List.of("REPLICATE_API_TOKEN", "REPLICATE_API_KEY") : List.of(envPrefix + "_API_KEY");
  }

  /**
   * How a configured base URL becomes this kind's API root: Ferro's rule (a bare host gets the version
   * segment, a path is the root); Cohere's base URL is where its versioned paths are mounted, as Ferro reads it.
   * Vertex AI's root is {@code https://{region}-aiplatform.googleapis.com/v1}; Bedrock's and Azure's carry no
   * version, so their base URLs are used as given.
   */
  public ApiRoot apiRoot() {
    return switch (this) {
      case COHERE -> ApiRoot.mount("/v2");
      case VERTEX -> ApiRoot.of("/v1");
      default -> ApiRoot.of(defaultBaseUrl);
    };
  }

  public static Optional<ProviderType> parse(String name) {
    String normalized = name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    ProviderType alias = ALIASES.get(normalized);
    if (alias != null) {
      return Optional.of(alias);
    }
    return Arrays.stream(values()).filter(t -> t.configName.equals(normalized)).findFirst();
  }

  static String expected() {
    return String.join(", ", Arrays.stream(values()).map(ProviderType::configName).toList());
  }

  /** Kinds configured from {@code <P>_API_KEY} alone when a config has no providers block. */
  static List<ProviderType> fromEnvironment() {
    return List.of(OPENAI, ANTHROPIC, GEMINI, COHERE, REPLICATE);
  }
}
