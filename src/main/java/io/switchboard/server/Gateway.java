package io.switchboard.server;

import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.Provider;
import io.switchboard.provider.ProviderFactory;
import io.switchboard.routing.ModelRouter;
import io.switchboard.routing.RequestExecutor;
import io.switchboard.routing.Strategies;
import io.switchboard.routing.TargetStats;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything one event loop needs to serve requests, built from one config snapshot: providers bound to
 * that loop's HTTP client, the router and the executor. Only the observed target stats are shared.
 */
public record Gateway(GatewayConfig config, Map<String, Provider> providers, ModelRouter router,
    RequestExecutor executor, TargetStats stats) {

  /** {@code stats} is the one instance every event loop shares. */
  public static Gateway create(GatewayConfig config, Vertx vertx, HttpClient client, TargetStats stats) {
    Map<String, Provider> providers = new LinkedHashMap<>();
    for (GatewayConfig.Provider p : config.providers()) {
      providers.put(p.key(), ProviderFactory.create(p, config, vertx, client));
    }
    ModelRouter router = new ModelRouter(config, providers, Strategies.create(config));
    return new Gateway(config, Map.copyOf(providers), router,
        new RequestExecutor(vertx, ThreadLocalRandom.current(), stats, config.strategy().failoverOnStatusCodes()), stats);
  }
}
