package io.switchboard.provider;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.Presets;
import io.switchboard.config.ProviderEntry;
import io.switchboard.config.ProviderOptions;
import io.switchboard.config.ProviderType;
import io.switchboard.provider.anthropic.AnthropicProvider;
import io.switchboard.provider.azure.AzureOpenAiProvider;
import io.switchboard.provider.azure.AzureOptions;
import io.switchboard.provider.cohere.CohereProvider;
import io.switchboard.provider.gemini.GeminiProvider;
import io.switchboard.provider.bedrock.BedrockOptions;
import io.switchboard.provider.bedrock.BedrockProvider;
import io.switchboard.provider.mock.MockProvider;
import io.switchboard.provider.openai.OpenAiProvider;
import io.switchboard.provider.replicate.ReplicateProvider;
import io.switchboard.provider.vertex.VertexOptions;
import io.switchboard.provider.vertex.VertexProvider;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The provider kinds this build speaks, one line each: the config fields only that kind reads, how it reads
 * them (at load time, so a bad entry refuses to start and names the field), how an entry is made from the
 * environment alone, and how the provider is built.
 */
public final class ProviderRegistry {
  /** Reads a kind's own fields; records problems on the entry's reader and returns null after one. */
  @FunctionalInterface
  public interface OptionsReader {
    ProviderOptions read(ProviderEntry entry);
  }

  @FunctionalInterface
  public interface Factory {
    Provider create(GatewayConfig.Provider config, GatewayConfig gateway, Vertx vertx, HttpClient client);
  }

  /**
   * {@code fromEnvironment} gives the providers entry a kind makes from environment variables alone (when a
   * config has no providers block), or empty.
   */
  public record Kind(ProviderType type, Set<String> optionKeys, OptionsReader options,
      Function<Map<String, String>, Optional<ObjectNode>> fromEnvironment, Factory factory) {}

  private static final Map<ProviderType, Kind> KINDS = index(List.of(
      new Kind(ProviderType.OPENAI, Set.of(), e -> ProviderOptions.NONE, byApiKey(ProviderType.OPENAI),
          (c, g, v, h) -> new OpenAiProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.OPENAI_COMPATIBLE, Presets.optionNames(), e -> ProviderOptions.NONE,
          env -> Optional.empty(), (c, g, v, h) -> new OpenAiProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.ANTHROPIC, Set.of(), e -> ProviderOptions.NONE, byApiKey(ProviderType.ANTHROPIC),
          (c, g, v, h) -> new AnthropicProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.COHERE, Set.of(), e -> ProviderOptions.NONE, byApiKey(ProviderType.COHERE),
          (c, g, v, h) -> new CohereProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.AZURE, Set.of("api_version", "azure_ad_token", "deployment"), AzureOptions::read, ProviderRegistry::azure,
          (c, g, v, h) -> new AzureOpenAiProvider(c, v, h)),
      new Kind(ProviderType.GEMINI, Set.of(), e -> ProviderOptions.NONE, byApiKey(ProviderType.GEMINI),
          (c, g, v, h) -> new GeminiProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.VERTEX, VertexOptions.KEYS, VertexOptions::read, VertexOptions::fromEnvironment,
          (c, g, v, h) -> new VertexProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.BEDROCK, BedrockOptions.KEYS, BedrockOptions::read, BedrockOptions::fromEnvironment,
          (c, g, v, h) -> new BedrockProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.REPLICATE, Set.of(), e -> ProviderOptions.NONE, ReplicateProvider::fromEnvironment,
          (c, g, v, h) -> new ReplicateProvider(c, g.onUnsupportedParam(), v, h)),
      new Kind(ProviderType.MOCK, Set.of(), e -> ProviderOptions.NONE, env -> Optional.empty(),
          (c, g, v, h) -> new MockProvider(c, v))));

  private ProviderRegistry() {}

  /** The kind of {@code type}, or empty while this build does not implement it yet. */
  public static Optional<Kind> kind(ProviderType type) {
    return Optional.ofNullable(KINDS.get(type));
  }

  public static Provider create(GatewayConfig.Provider config, GatewayConfig gateway, Vertx vertx, HttpClient client) {
    return KINDS.get(config.type()).factory().create(config, gateway, vertx, client);
  }

  /** An entry {@code {key: <type>, provider: <type>}} when {@code <P>_API_KEY} is set; the loader reads the key. */
  public static Function<Map<String, String>, Optional<ObjectNode>> byApiKey(ProviderType type) {
    return env -> {
      String key = env.get(type.envPrefix() + "_API_KEY");
      if (key == null || key.isBlank()) {
        return Optional.empty();
      }
      return Optional.of(JsonNodeFactory.instance.objectNode().put("key", type.configName())
          .put("provider", type.configName()));
    };
  }

  /** Azure needs a credential (key or Entra token) and the resource endpoint. */
  private static Optional<ObjectNode> azure(Map<String, String> env) {
    boolean credential = set(env, "AZURE_OPENAI_API_KEY") || set(env, "AZURE_OPENAI_AD_TOKEN");
    boolean endpoint = set(env, "AZURE_OPENAI_ENDPOINT") || set(env, "AZURE_OPENAI_BASE_URL");
    if (!credential || !endpoint) {
      return Optional.empty();
    }
    // Registered under Ferro's name, which its configs' targets use.
    return Optional.of(JsonNodeFactory.instance.objectNode().put("key", "azure-openai")
        .put("provider", ProviderType.AZURE.configName()));
  }

  private static boolean set(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }

  private static Map<ProviderType, Kind> index(List<Kind> kinds) {
    Map<ProviderType, Kind> out = new EnumMap<>(ProviderType.class);
    for (Kind k : kinds) {
      if (out.put(k.type(), k) != null) {
        throw new IllegalStateException("provider kind " + k.type() + " is registered twice");
      }
    }
    return out;
  }
}
