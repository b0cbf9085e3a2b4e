package io.switchboard.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;

/** Request log in a PostgreSQL table ({@code time} is a {@code timestamptz}). */
public final class PostgresRequestLogStore extends JdbcRequestLogStore {
  private final PostgresDsn dsn;

  public PostgresRequestLogStore(String dsn) throws SQLException {
    this(dsn, DEFAULT_TABLE);
  }

  public PostgresRequestLogStore(String dsn, String table) throws SQLException {
    super(table);
    this.dsn = PostgresDsn.parse(dsn);
    open();
  }

  @Override
  Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.putAll(dsn.properties());
    // One multi-row INSERT per batch instead of a round trip per row.
    properties.putIfAbsent("reWriteBatchedInserts", "true");
    properties.putIfAbsent("ApplicationName", "switchboard-request-log");
    properties.putIfAbsent("connectTimeout", "10");
    return DriverManager.getConnection(dsn.jdbcUrl(), properties);
  }

  @Override
  void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
          + "time timestamptz NOT NULL, request_id text, key_id text, model_requested text, model_served text,"
          + " provider text, target text, status integer NOT NULL, latency_ms bigint NOT NULL, ttft_ms bigint,"
          + " tokens_in bigint, tokens_out bigint, tokens_cached bigint, cost_usd double precision,"
          + " attempts integer NOT NULL, error_type text, request_body text, response_body text, user_id text)");
      s.execute("CREATE INDEX IF NOT EXISTS " + timeIndexName() + " ON " + table + " (time)");
    } catch (SQLException e) {
      // Two gateways starting together can race on IF NOT EXISTS; the loser sees a duplicate, which is fine.
      if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  @Override
  void setTime(PreparedStatement statement, int index, Instant time) throws SQLException {
    statement.setObject(index, OffsetDateTime.ofInstant(time, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
  }

  @Override
  public String toString() {
    return "PostgresRequestLogStore[" + dsn + ", table=" + table + "]";
  }
}
