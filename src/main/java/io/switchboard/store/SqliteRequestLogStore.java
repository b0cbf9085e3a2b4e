package io.switchboard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Request log in a SQLite file, in WAL mode so readers (a dashboard, the sqlite3 shell) don't block the
 * writer. Times are stored as fixed-width UTC ISO-8601 text with microseconds: readable, and text order is
 * time order, so the index on {@code time} serves range queries and retention.
 */
public final class SqliteRequestLogStore extends JdbcRequestLogStore {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final Path file;

  public SqliteRequestLogStore(Path file) throws SQLException {
    this(file, DEFAULT_TABLE);
  }

  public SqliteRequestLogStore(Path file, String table) throws SQLException {
    super(table);
    if (table.indexOf('.') >= 0) {
      throw new IllegalArgumentException("table: " + table + " (expected: no schema prefix for SQLite)");
    }
    this.file = file.toAbsolutePath();
    open();
  }

  @Override
  Connection connect() throws SQLException {
    Path parent = file.getParent();
    if (parent != null) {
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new SQLException("cannot create the directory of the request log " + file + ": " + e.getMessage(), e);
      }
    }
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=5000");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
          + "time TEXT NOT NULL, request_id TEXT, key_id TEXT, model_requested TEXT, model_served TEXT,"
          + " provider TEXT, target TEXT, status INTEGER NOT NULL, latency_ms INTEGER NOT NULL, ttft_ms INTEGER,"
          + " tokens_in INTEGER, tokens_out INTEGER, tokens_cached INTEGER, cost_usd REAL,"
          + " attempts INTEGER NOT NULL, error_type TEXT, request_body TEXT, response_body TEXT, user_id TEXT)");
      s.execute("CREATE INDEX IF NOT EXISTS " + timeIndexName() + " ON " + table + " (time)");
    }
  }

  @Override
  void setTime(PreparedStatement statement, int index, Instant time) throws SQLException {
    statement.setString(index, format(time));
  }

  static String format(Instant time) {
    return TIME.format(time.truncatedTo(ChronoUnit.MICROS));
  }

  @Override
  public String toString() {
    return "SqliteRequestLogStore[" + file + ", table=" + table + "]";
  }
}
