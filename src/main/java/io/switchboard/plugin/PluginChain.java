package io.switchboard.plugin;

import io.switchboard.api.ApiException;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured plugins around a terminal step. It enforces the contract ({@code proceed} at most
 * once, naming the culprit) and the failure policy: a deliberate {@link ApiException} passes through as the
 * answer, a failure from further down passes through untouched, and a plugin's own fault is either ignored
 * (fail-open plugins) or answered 500 naming the plugin.
 */
public final class PluginChain {
  private static final Logger LOG = LoggerFactory.getLogger(PluginChain.class);

  private static final PluginChain EMPTY = new PluginChain(List.of());

  private final List<Plugin> plugins;
  private final boolean needsAnswer;
  private final boolean rewritesRequests;

  public PluginChain(List<Plugin> plugins) {
    this.plugins = List.copyOf(plugins);
    this.needsAnswer = this.plugins.stream().anyMatch(Plugin::needsAnswer);
    this.rewritesRequests = this.plugins.stream().anyMatch(Plugin::rewritesRequests);
  }

  public static PluginChain empty() {
    return EMPTY;
  }

  public boolean isEmpty() {
    return plugins.isEmpty();
  }

  public List<Plugin> plugins() {
    return plugins;
  }

  /** Whether some plugin needs the answer's body or usage when a request finishes (see {@link Plugin#needsAnswer}). */
  public boolean needsAnswer() {
    return needsAnswer;
  }

  /** Whether some plugin may change request bodies (see {@link Plugin#rewritesRequests}). */
  public boolean rewritesRequests() {
    return rewritesRequests;
  }

  /** Starts the plugins one after another, in order; the first failure fails the whole start. */
  public Future<Void> start() {
    Future<Void> started = Future.succeededFuture();
    for (Plugin plugin : plugins) {
      started = started.compose(v -> plugin.start().recover(t -> Future.failedFuture(
          new IllegalStateException("plugin " + plugin.name() + " failed to start: " + t.getMessage(), t))));
    }
    return started;
  }

  /** Closes every plugin, in reverse order, each even when another failed; never fails. */
  public Future<Void> close() {
    Future<Void> closed = Future.succeededFuture();
    for (Plugin plugin : plugins.reversed()) {
      closed = closed.eventually(() -> {
        Future<Void> c;
        try {
          c = plugin.close();
        } catch (RuntimeException e) {
          c = Future.failedFuture(e);
        }
        return c.onFailure(t -> LOG.warn("plugin {} failed to close: {}", plugin.name(), t.toString()));
      });
    }
    return closed.otherwiseEmpty();
  }

  /** Tells every plugin how the request ended; one plugin's fault does not keep the others from hearing. */
  public void finish(Exchange exchange, Finish finish) {
    for (Plugin plugin : plugins) {
      try {
        plugin.onFinish(exchange, finish);
      } catch (RuntimeException e) {
        LOG.warn("request {}: plugin {} failed after the request: {}", exchange.requestId(), plugin.name(),
            e.toString());
      }
    }
  }

  public Future<Outcome> run(Exchange exchange, Plugin.Chain terminal) {
    return plugins.isEmpty() ? terminal.proceed(exchange) : step(0, exchange, terminal);
  }

  private Future<Outcome> step(int index, Exchange exchange, Plugin.Chain terminal) {
    if (index == plugins.size()) {
      return terminal.proceed(exchange);
    }
    Plugin plugin = plugins.get(index);
    Downstream downstream = new Downstream(plugin, index, terminal);
    Future<Outcome> result;
    try {
      result = plugin.handle(exchange, downstream);
      if (result == null) {
        throw new IllegalStateException("plugin " + plugin.name() + " returned no future");
      }
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(failure -> {
      if (failure instanceof ApiException || downstream.isItsFailure(failure)) {
        return Future.failedFuture(failure);  // a denial, or not this plugin's doing
      }
      if (!plugin.failsOpen()) {
        LOG.error("request {}: plugin {} failed", exchange.requestId(), plugin.name(), failure);
        return Future.failedFuture(ApiException.internal("The gateway's " + plugin.name()
            + " plugin failed on this request (request id " + exchange.requestId() + ")."));
      }
      LOG.warn("request {}: plugin {} failed and is skipped: {}", exchange.requestId(), plugin.name(),
          failure.toString());
      return downstream.called() ? downstream.result() : step(index + 1, exchange, terminal);
    });
  }

  /** The {@code next} a plugin gets: it remembers whether and with what result the chain went on. */
  private final class Downstream implements Plugin.Chain {
    private final Plugin plugin;
    private final int index;
    private final Plugin.Chain terminal;
    private Future<Outcome> result;

    Downstream(Plugin plugin, int index, Plugin.Chain terminal) {
      this.plugin = plugin;
      this.index = index;
      this.terminal = terminal;
    }

    @Override
    public Future<Outcome> proceed(Exchange exchange) {
      if (result != null) {
        throw new IllegalStateException("plugin " + plugin.name() + " must call proceed() at most once");
      }
      result = step(index + 1, exchange, terminal);
      return result;
    }

    boolean called() {
      return result != null;
    }

    Future<Outcome> result() {
      return result;
    }

    boolean isItsFailure(Throwable failure) {
      return result != null && result.failed() && result.cause() == failure;
    }
  }
}
