package io.switchboard.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where request-log rows are persisted. Blocking JDBC: call only from a worker thread (see
 * {@link BatchingLogWriter}), never from an event loop. Not thread-safe.
 */
public interface RequestLogStore extends AutoCloseable {
  String DEFAULT_TABLE = "switchboard_request_log";

  /** Writes all rows in one transaction with one prepared statement; all or nothing. */
  void insert(List<RequestLogRow> rows) throws SQLException;

  /** Deletes rows strictly older than {@code cutoff}; returns how many. */
  int deleteOlderThan(Instant cutoff) throws SQLException;

  /**
   * The logged cost in US dollars of rows at or after {@code since}, summed per group of {@code scope}. Rows
   * without a cost or without the grouping column (no user) are left out. A store that cannot read back
   * (a test double) says so.
   */
  default Map<String, Double> spendSince(Instant since, SpendScope scope) throws SQLException {
    throw new SQLException(getClass().getSimpleName() + " cannot read spend back");
  }

  @Override
  void close() throws SQLException;

  /**
   * Opens the store for a request-logger config: {@code backend} is {@code sqlite} (dsn = file path) or
   * {@code postgres} (dsn = {@code postgres://}, {@code postgresql://} URL or {@code jdbc:postgresql:} DSN).
   */
  static RequestLogStore open(String backend, String dsn, String table) throws SQLException {
    return switch (backend == null ? "" : backend.toLowerCase(Locale.ROOT)) {
      case "sqlite" -> new SqliteRequestLogStore(Path.of(dsn), table);
      case "postgres", "postgresql" -> new PostgresRequestLogStore(dsn, table);
      default -> throw new IllegalArgumentException("backend: " + backend + " (expected: sqlite or postgres)");
    };
  }
}
