package io.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test rows and reading them back. */
final class Rows {
  private Rows() {}

  static RequestLogRow full(Instant time, String requestId) {
    return new RequestLogRow(time, requestId, "key-1", "user-1", "gpt-4o", "gpt-4o-2024-08-06", "openai", "openai-primary",
        200, 1234L, 321L, 100L, 50L, 25L, 0.001_25, 2, null, "{\"model\":\"gpt-4o\"}", "{\"id\":\"x\"}");
  }

  static RequestLogRow minimal(Instant time, String requestId) {
    return new RequestLogRow(time, requestId, null, null, "m", null, null, null, 502, 7L, null, null, null, null, null, 1,
        "upstream_error", null, null);
  }

  static List<RequestLogRow> many(Instant start, int count) {
    List<RequestLogRow> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(minimal(start.plusMillis(i), "req-" + i));
    }
    return rows;
  }

  /**
   * Full and minimal rows alternating, enough for two whole multi-row statements and a remainder, each with
   * its own values so a row bound at another row's offset would show. Request ids sort in insertion order.
   */
  static List<RequestLogRow> acrossStatements(Instant start) {
    List<RequestLogRow> rows = new ArrayList<>();
    int count = 2 * JdbcRequestLogStore.ROWS_PER_STATEMENT + 5;
    for (int i = 0; i < count; i++) {
      String id = String.format("req-%03d", i);
      RequestLogRow base = i % 2 == 0 ? full(start.plusSeconds(i), id) : minimal(start.plusSeconds(i), id);
      rows.add(new RequestLogRow(base.time(), base.requestId(), base.keyId(), base.userId(), base.modelRequested(),
          base.modelServed(), base.provider(), base.target(), 200 + i, i, base.ttftMs(), base.tokensIn(),
          base.tokensOut(), base.tokensCached(), base.costUsd(), 1 + i % 3, base.errorType(), base.requestBody(),
          base.responseBody()));
    }
    return rows;
  }

  static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Reads rows back ordered by request id; {@code time} is parsed by the caller's function. */
  static List<RequestLogRow> read(Connection c, String table, TimeReader timeReader) throws SQLException {
    List<RequestLogRow> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + JdbcRequestLogStore.COLUMNS + " FROM " + table
            + " ORDER BY request_id")) {
      while (rs.next()) {
        rows.add(new RequestLogRow(timeReader.read(rs), rs.getString(2), rs.getString(3), rs.getString(19),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getLong(9), longOrNull(rs, 10),
            longOrNull(rs, 11), longOrNull(rs, 12), longOrNull(rs, 13), doubleOrNull(rs, 14), rs.getInt(15),
            rs.getString(16), rs.getString(17), rs.getString(18)));
      }
    }
    return rows;
  }

  interface TimeReader {
    Instant read(ResultSet rs) throws SQLException;
  }

  private static Long longOrNull(ResultSet rs, int index) throws SQLException {
    long v = rs.getLong(index);
    return rs.wasNull() ? null : v;
  }

  private static Double doubleOrNull(ResultSet rs, int index) throws SQLException {
    double v = rs.getDouble(index);
    return rs.wasNull() ? null : v;
  }
}
