package io.switchboard.plugin;

import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;

/**
 * A step around the upstream call, OkHttp-interceptor style: work before {@code next.proceed(...)} runs
 * before the request goes upstream, in configured order; work on the returned future runs after, in
 * reverse order. Not calling {@code proceed} answers the request here (a cache hit, or a denial: fail the
 * future with an {@link io.switchboard.api.ApiException}). {@code proceed} may be called at most once.
 *
 * <p>One instance serves every event loop, so a plugin's state is thread-safe. {@link #onFinish} runs for
 * every request that reached the plugin chain, whether or not this plugin's {@code handle} ran (a logger
 * still logs what a limiter before it denied).
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

  /**
   * Whether {@link #onFinish} needs the answer's body or usage. For a stream that costs assembling the
   * chunks, and asking the upstream for usage when the client did not, so plugins that only look at
   * requests say no.
   */
  default boolean needsAnswer() {
    return false;
  }

  /**
   * Whether {@code handle} may change the request body. While no plugin does, the client's bytes go upstream
   * untouched instead of being written again from the parsed tree; a plugin that does not say so is assumed to.
   */
  default boolean rewritesRequests() {
    return true;
  }

  Future<Outcome> handle(Exchange exchange, Chain next);

  /**
   * The request is over: its answer was sent (for a stream, its last byte) or it failed. Runs on the event
   * loop, so it only records (counts, queues a row); it must not block, nor do work that grows with a body's
   * size (serialising, scanning): that belongs on another thread. A throw is logged and ignored.
   */
  default void onFinish(Exchange exchange, Finish finish) {}

  /** Runs once before the server accepts requests (connect, read back state); a failure stops the start. */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /** Runs once at shutdown, after the server stopped accepting requests (flush what is queued). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The rest of the chain: the next plugins, then routing and the upstream call. */
  @FunctionalInterface
  interface Chain {
    Future<Outcome> proceed(Exchange exchange);
  }
}
