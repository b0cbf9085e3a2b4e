package io.switchboard.plugin;

import static java.util.Objects.requireNonNull;

import io.switchboard.pricing.PriceCatalog;
import io.switchboard.store.RequestLogLocation;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;

/**
 * What a plugin may use when it is built: Vert.x (timers, Redis clients, worker threads), the price
 * catalog, a clock (tests pass a fixed one), where the request log is persisted if some plugin persists it,
 * and how the plugin itself was configured.
 */
public record PluginContext(Vertx vertx, PriceCatalog prices, Clock clock, Optional<RequestLogLocation> requestLog,
    String name, Stage stage) {
  public PluginContext {
    requireNonNull(vertx, "vertx");
    requireNonNull(prices, "prices");
    requireNonNull(clock, "clock");
    requireNonNull(requestLog, "requestLog");
    requireNonNull(stage, "stage");
  }

  public PluginContext forPlugin(String name, Stage stage) {
    return new PluginContext(vertx, prices, clock, requestLog, name, stage);
  }
}
