package io.switchboard.config;

import java.util.List;

/**
 * A named OpenAI-compatible provider, as data (src/main/resources/providers/openai-compatible.yaml): where
 * it lives, which environment variables configure it, and whether it needs a key. {@code baseUrl} is null
 * where every account has its own URL and the config must give one.
 */
public record Preset(String name, List<String> aliases, String baseUrl, String envPrefix, boolean keyRequired) {
  public Preset {
    aliases = List.copyOf(aliases);
  }
}
