package io.switchboard.provider;

import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.anthropic.AnthropicProvider;
import io.switchboard.provider.mock.MockProvider;
import io.switchboard.provider.openai.OpenAiProvider;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

/** The registry of provider types: one line per type. */
public final class ProviderFactory {
  private ProviderFactory() {}

  public static Provider create(GatewayConfig.Provider config, GatewayConfig gateway, Vertx vertx, HttpClient client) {
    return switch (config.type()) {
      case OPENAI, OPENAI_COMPATIBLE -> new OpenAiProvider(config, vertx, client);
      case ANTHROPIC -> new AnthropicProvider(config, gateway.onUnsupportedParam(), vertx, client);
      case MOCK -> new MockProvider(config, vertx);
    };
  }
}
