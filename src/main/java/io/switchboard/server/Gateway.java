package io.switchboard.server;

import io.switchboard.config.GatewayConfig;
import io.switchboard.plugin.PluginChain;
import io.switchboard.provider.Provider;
import io.switchboard.provider.ProviderRegistry;
import io.switchboard.routing.ContextWindowFallback;
import io.switchboard.routing.ModelRouter;
import io.switchboard.routing.RequestExecutor;
import io.switchboard.routing.Strategies;
import io.switchboard.routing.TargetStats;
import io.switchboard.routing.health.TargetHealth;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything one event loop needs to serve requests, built from one config snapshot: providers bound to
 * that loop's HTTP clients, the router and the executor. Only the observed target stats, health and the plugins are shared.
 */
public record Gateway(GatewayConfig config, Map<String, Provider> providers, ModelRouter router,
    RequestExecutor executor, TargetStats stats, TargetHealth health, PluginChain plugins) {

  /** {@code stats}, {@code health} and {@code plugins} are the instances every event loop shares. */
  public static Gateway create(GatewayConfig config, Vertx vertx, UpstreamClients clients, TargetStats stats,
      TargetHealth health, PluginChain plugins) {
    Map<String, Provider> providers = new LinkedHashMap<>();
    for (GatewayConfig.Provider p : config.providers()) {
      providers.put(p.key(), ProviderRegistry.create(p, config, vertx, clients.forProvider(p)));
    }
    ModelRouter router = new ModelRouter(config, providers, Strategies.create(config));
    RequestExecutor executor = new RequestExecutor(vertx, ThreadLocalRandom.current(), stats,
        config.strategy().failoverOnStatusCodes(), health, config.resilience().requestTimeout(),
        ContextWindowFallback.of(config, providers));
    return new Gateway(config, Map.copyOf(providers), router, executor, stats, health, plugins);
  }
}
