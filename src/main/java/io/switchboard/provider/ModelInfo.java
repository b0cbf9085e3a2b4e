package io.switchboard.provider;

import java.util.Set;

/**
 * A model a provider is known to serve, as {@code GET /v1/models} lists it. {@code contextWindow} is in
 * tokens, 0 when unknown.
 */
public record ModelInfo(String id, int contextWindow, Set<Capability> capabilities) {
  public enum Capability { CHAT, STREAMING, TOOLS, VISION, EMBEDDINGS }

  public ModelInfo {
    capabilities = Set.copyOf(capabilities);
  }

  /** A chat model that streams and calls tools. */
  public static ModelInfo chat(String id, int contextWindow, boolean vision) {
    return new ModelInfo(id, contextWindow, vision
        ? Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION)
        : Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS));
  }

  public static ModelInfo embedding(String id, int contextWindow) {
    return new ModelInfo(id, contextWindow, Set.of(Capability.EMBEDDINGS));
  }
}
