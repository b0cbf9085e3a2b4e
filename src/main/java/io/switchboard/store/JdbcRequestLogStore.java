package io.switchboard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JDBC mechanics both backends share: one connection, reopened lazily after a failure so a restarted
 * database is picked up by the writer's next retry; batched inserts in one transaction.
 */
abstract class JdbcRequestLogStore implements RequestLogStore {
  private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");

  static final String COLUMNS = "time, request_id, key_id, model_requested, model_served, provider, target, status,"
      + " latency_ms, ttft_ms, tokens_in, tokens_out, tokens_cached, cost_usd, attempts, error_type,"
      + " request_body, response_body, user_id";

  final String table;
  private final String insertSql;
  private final String deleteSql;
  private final Map<SpendScope, String> spendSql = new EnumMap<>(SpendScope.class);
  private Connection connection;
  private boolean closed;

  JdbcRequestLogStore(String table) {
    this.table = checkTable(table);
    this.insertSql = "INSERT INTO " + this.table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        + " ?, ?, ?, ?, ?)";
    this.deleteSql = "DELETE FROM " + this.table + " WHERE time < ?";
    for (SpendScope scope : SpendScope.values()) {
      String notNull = scope.columns.replace(", ", " IS NOT NULL AND ") + " IS NOT NULL";
      spendSql.put(scope, "SELECT " + scope.columns + ", SUM(cost_usd) FROM " + this.table
          + " WHERE time >= ? AND cost_usd IS NOT NULL AND " + notNull + " GROUP BY " + scope.columns);
    }
  }

  /** The table name goes into SQL text, so only plain (optionally schema-qualified) identifiers are allowed. */
  static String checkTable(String table) {
    if (table == null || !TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("table: " + table + " (expected: an identifier like "
          + DEFAULT_TABLE + " or schema." + DEFAULT_TABLE + ")");
    }
    return table;
  }

  /** The index name: the table's own name (without schema) plus a suffix. */
  final String timeIndexName() {
    return table.substring(table.indexOf('.') + 1) + "_time_idx";
  }

  abstract Connection connect() throws SQLException;

  abstract void createSchema(Connection connection) throws SQLException;

  abstract void setTime(PreparedStatement statement, int index, Instant time) throws SQLException;

  final void open() throws SQLException {
    Connection c = connect();
    try {
      createSchema(c);
      c.setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    connection = c;
  }

  private Connection connection() throws SQLException {
    if (closed) {
      throw new SQLException("request log store is closed");
    }
    if (connection == null) {
      open();
    }
    return connection;
  }

  @Override
  public void insert(List<RequestLogRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Connection c = connection();
    try (PreparedStatement statement = c.prepareStatement(insertSql)) {
      for (RequestLogRow row : rows) {
        bind(statement, row);
        statement.addBatch();
      }
      statement.executeBatch();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      discard(c);
      throw e;
    }
  }

  @Override
  public int deleteOlderThan(Instant cutoff) throws SQLException {
    Connection c = connection();
    try (PreparedStatement statement = c.prepareStatement(deleteSql)) {
      setTime(statement, 1, cutoff);
      int deleted = statement.executeUpdate();
      c.commit();
      return deleted;
    } catch (SQLException | RuntimeException e) {
      discard(c);
      throw e;
    }
  }

  @Override
  public Map<String, Double> spendSince(Instant since, SpendScope scope) throws SQLException {
    Connection c = connection();
    Map<String, Double> out = new HashMap<>();
    try (PreparedStatement statement = c.prepareStatement(spendSql.get(scope))) {
      setTime(statement, 1, since);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          String group = scope == SpendScope.KEY_MODEL
              ? rs.getString(1) + SpendScope.SEPARATOR + rs.getString(2)
              : rs.getString(1);
          out.put(group, rs.getDouble(scope == SpendScope.KEY_MODEL ? 3 : 2));
        }
      }
      c.commit();  // ends the read transaction (autocommit is off)
      return out;
    } catch (SQLException | RuntimeException e) {
      discard(c);
      throw e;
    }
  }

  private void bind(PreparedStatement s, RequestLogRow row) throws SQLException {
    setTime(s, 1, row.time());
    s.setString(2, row.requestId());
    s.setString(3, row.keyId());
    s.setString(4, row.modelRequested());
    s.setString(5, row.modelServed());
    s.setString(6, row.provider());
    s.setString(7, row.target());
    s.setInt(8, row.status());
    s.setLong(9, row.latencyMs());
    setLong(s, 10, row.ttftMs());
    setLong(s, 11, row.tokensIn());
    setLong(s, 12, row.tokensOut());
    setLong(s, 13, row.tokensCached());
    if (row.costUsd() == null) {
      s.setNull(14, Types.DOUBLE);
    } else {
      s.setDouble(14, row.costUsd());
    }
    s.setInt(15, row.attempts());
    s.setString(16, row.errorType());
    s.setString(17, row.requestBody());
    s.setString(18, row.responseBody());
    s.setString(19, row.userId());
  }

  private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, value);
    }
  }

  /** After a failure the connection may be broken: drop it so the next call reconnects. */
  private void discard(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is going away anyway
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // same
    }
    connection = null;
  }

  @Override
  public void close() throws SQLException {
    closed = true;
    if (connection != null) {
      Connection c = connection;
      connection = null;
      c.close();
    }
  }
}
