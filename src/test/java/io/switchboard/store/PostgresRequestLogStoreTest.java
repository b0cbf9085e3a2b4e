package io.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Services;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real PostgreSQL at 127.0.0.1:5432; each test gets its own schema, dropped afterwards. */
class PostgresRequestLogStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

  private String dsn;
  private String schema;
  private String table;

  @BeforeEach
  void createSchema() throws SQLException {
    dsn = Services.requirePostgres();
    schema = "sb_test_" + UUID.randomUUID().toString().replace("-", "");
    table = schema + ".request_log";
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
  }

  @AfterEach
  void dropSchema() throws SQLException {
    if (schema != null) {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private Connection connect() throws SQLException {
    PostgresDsn parsed = PostgresDsn.parse(dsn);
    Properties properties = new Properties();
    properties.putAll(parsed.properties());
    return DriverManager.getConnection(parsed.jdbcUrl(), properties);
  }

  private List<RequestLogRow> read() throws SQLException {
    try (Connection c = connect()) {
      return Rows.read(c, table, rs -> rs.getObject(1, OffsetDateTime.class).toInstant());
    }
  }

  @Test
  void rowsRoundTripWithAndWithoutOptionalFields() throws Exception {
    RequestLogRow full = Rows.full(T0, "req-a");
    RequestLogRow minimal = Rows.minimal(T0.plusSeconds(1), "req-b");
    try (var store = new PostgresRequestLogStore(dsn, table)) {
      store.insert(List.of(full, minimal));
    }
    assertThat(read()).containsExactly(full, minimal);
  }

  @Test
  void aBatchLargerThanOneStatementKeepsEveryRowAndValue() throws Exception {
    List<RequestLogRow> rows = Rows.acrossStatements(T0);
    try (var store = new PostgresRequestLogStore(dsn, table)) {
      store.insert(rows);
    }
    assertThat(read()).containsExactlyElementsOf(rows);
  }

  @Test
  void acceptsAJdbcDsnAndReopensAnExistingTable() throws Exception {
    String jdbc = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    try (var store = new PostgresRequestLogStore(jdbc, table)) {
      store.insert(Rows.many(T0, 3));
    }
    try (var store = new PostgresRequestLogStore(dsn.replace("postgres://", "postgresql://"), table)) {
      store.insert(Rows.many(T0, 2));
    }
    try (Connection c = connect()) {
      assertThat(Rows.count(c, table)).isEqualTo(5);
    }
  }

  @Test
  void deleteOlderThanRemovesOnlyOlderRows() throws Exception {
    try (var store = new PostgresRequestLogStore(dsn, table)) {
      store.insert(List.of(Rows.minimal(T0.minusSeconds(3600), "old"), Rows.minimal(T0, "edge"),
          Rows.minimal(T0.plusSeconds(1), "new")));
      assertThat(store.deleteOlderThan(T0)).isEqualTo(1);
    }
    assertThat(read()).extracting(RequestLogRow::requestId).containsExactly("edge", "new");
  }

  @Test
  void writerFlushesEverythingOnClose() throws Exception {
    BatchingLogWriter writer = new BatchingLogWriter(new PostgresRequestLogStore(dsn, table),
        BatchingLogWriter.Settings.defaults().withRetention(Duration.ofDays(1)));
    for (RequestLogRow row : Rows.many(Instant.now(), 5_000)) {
      assertThat(writer.offer(row)).isTrue();
    }
    writer.close();
    assertThat(writer.written()).isEqualTo(5_000);
    try (Connection c = connect()) {
      assertThat(Rows.count(c, table)).isEqualTo(5_000);
    }
  }
}
