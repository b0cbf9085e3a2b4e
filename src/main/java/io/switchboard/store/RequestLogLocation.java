package io.switchboard.store;

import java.sql.SQLException;

/**
 * Where the request log is persisted: what {@link RequestLogStore#open} takes. Plugins that read the log
 * back (budgets, after a restart) find it through {@link io.switchboard.plugin.PluginContext#requestLog()}.
 */
public record RequestLogLocation(String backend, String dsn, String table) {
  public RequestLogStore open() throws SQLException {
    return RequestLogStore.open(backend, dsn, table);
  }
}
