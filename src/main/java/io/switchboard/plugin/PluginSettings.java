package io.switchboard.plugin;

import io.switchboard.store.RequestLogLocation;
import java.util.Optional;

/**
 * One plugin's validated config. Parsing happens when the config loads (so a bad value is refused, naming
 * its field, before anything starts); building the plugin happens when the server starts.
 */
@FunctionalInterface
public interface PluginSettings {
  Plugin create(PluginContext context);

  /** Where this plugin persists the request log, if it does (the request-logger with {@code persist: true}). */
  default Optional<RequestLogLocation> requestLog() {
    return Optional.empty();
  }
}
