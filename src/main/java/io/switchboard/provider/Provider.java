package io.switchboard.provider;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ProviderType;
import java.util.List;

/**
 * One configured upstream account. What it can do is said by the capability interfaces it also
 * implements ({@link ChatProvider}, {@link CompletionProvider}, {@link EmbeddingProvider}), never by
 * stubs that answer "unsupported".
 */
public interface Provider {
  GatewayConfig.Provider config();

  default String key() {
    return config().key();
  }

  default ProviderType type() {
    return config().type();
  }

  /**
   * Models this provider is known to serve, with their capabilities, for {@code GET /v1/models}. Routing
   * does not depend on it: {@link #serves} decides.
   */
  default List<ModelInfo> knownModels() {
    return List.of();
  }

  /** True when this provider serves {@code model} without a target's help: its listed models or its families. */
  default boolean serves(String model) {
    var listed = config().models();
    return listed.contains(model) || listed.contains("*") || type().servesByDefault(model, !listed.isEmpty());
  }
}
