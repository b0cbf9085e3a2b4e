package io.switchboard.plugin;

import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;

/**
 * A step around the upstream call, OkHttp-interceptor style: work before {@code next.proceed(...)} runs
 * before the request goes upstream, in configured order; work on the returned future runs after, in
 * reverse order. Not calling {@code proceed} answers the request here (a cache hit, or a denial: fail the
 * future with an {@link io.switchboard.api.ApiException}). {@code proceed} may be called at most once.
 */
public interface Plugin {
  /** The configured name, for logs and errors. */
  String name();

  /**
   * Whether a fault of this plugin (not a deliberate denial) is ignored. Logging and metrics fail open;
   * everything else fails closed, answering 500.
   */
  default boolean failsOpen() {
    return false;
  }

  Future<Outcome> handle(Exchange exchange, Chain next);

  /** The rest of the chain: the next plugins, then routing and the upstream call. */
  @FunctionalInterface
  interface Chain {
    Future<Outcome> proceed(Exchange exchange);
  }
}
