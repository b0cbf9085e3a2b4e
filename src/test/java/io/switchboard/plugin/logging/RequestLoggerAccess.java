package io.switchboard.plugin.logging;

import io.switchboard.config.ConfigLoader;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A request logger to embed as a gateway's extra plugin, and its counters, for end-to-end tests elsewhere. */
public final class RequestLoggerAccess {
  private RequestLoggerAccess() {}

  /** A request logger with this {@code config:} block (YAML flow style). */
  public static Plugin create(Vertx vertx, String config) {
    RequestLoggerSettings settings = (RequestLoggerSettings) ConfigLoader.parse("plugins:\n  - name: request-logger\n"
        + "    config: " + config + "\n", Map.of("OPENAI_API_KEY", "sk-test")).plugins().getFirst().settings();
    return settings.create(new PluginContext(vertx, PriceCatalog.builtIn(), Clock.systemUTC(), Optional.empty(),
        "request-logger", Stage.BEFORE_REQUEST));
  }

  /** Rows written without their bodies because the preparer's queue was full. */
  public static long bodiesRefused(Plugin logger) {
    RowPreparer preparer = ((RequestLogger) logger).preparer();
    return preparer == null ? 0 : preparer.refused();
  }

  /** Rows the logger handed to its writer so far (prepared, bodies and all). */
  public static long rowsHandedOn(Plugin logger) {
    return ((RequestLogger) logger).writer().accepted();
  }
}
