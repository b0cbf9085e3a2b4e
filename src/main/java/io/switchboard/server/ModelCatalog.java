package io.switchboard.server;

import java.util.List;
import java.util.Map;

/**
 * Representative model ids listed in {@code /v1/models} for providers whose config names none. Routing
 * does not depend on this list: any model of a provider's families is served.
 */
final class ModelCatalog {
  static final Map<String, List<String>> KNOWN = Map.of(
      "openai", List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o3-mini",
          "o4-mini", "text-embedding-3-small", "text-embedding-3-large"),
      "anthropic", List.of("claude-3-5-sonnet-20241022", "claude-3-5-haiku-latest", "claude-3-7-sonnet-latest",
          "claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"),
      "mock", List.of("mock-gpt", "mock-embedding"));

  private ModelCatalog() {}
}
