package io.switchboard.provider;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ProviderType;

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

  /** True when this provider serves {@code model} without a target's help: its listed models or its families. */
  default boolean serves(String model) {
    var listed = config().models();
    return listed.contains(model) || listed.contains("*") || type().servesByDefault(model, !listed.isEmpty());
  }
}
