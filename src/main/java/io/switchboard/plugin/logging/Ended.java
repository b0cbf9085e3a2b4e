package io.switchboard.plugin.logging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.logging.RequestLoggerSettings.Level;
import java.time.Instant;

/**
 * What one request's row and line are made of, read off its {@link Exchange} on the event loop so they can be
 * built on another thread. {@code requestBody} is null unless bodies are kept, and only read; {@code line} is the
 * severity to log a line at, or null for none.
 *
 * @param now when the request finished
 */
record Ended(Instant now, String requestId, String keyId, String userId, String modelRequested,
    ObjectNode requestBody, Finish finish, Level line) {

  static Ended of(Exchange exchange, Finish finish, Instant now, boolean withBody, Level line) {
    String model = exchange.model();
    return new Ended(now, exchange.requestId(), exchange.keyId(), exchange.user(), model.isEmpty() ? null : model,
        withBody ? exchange.body() : null, finish, line);
  }
}
