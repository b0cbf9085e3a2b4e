package io.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRequestLogStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

  @TempDir
  Path dir;

  private Connection connect(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  static List<RequestLogRow> read(Connection c, String table) throws SQLException {
    return Rows.read(c, table, rs -> Instant.parse(rs.getString(1)));
  }

  @Test
  void rowsRoundTripWithAndWithoutOptionalFields() throws Exception {
    Path file = dir.resolve("sub/dir/log.db");
    RequestLogRow full = Rows.full(T0, "req-a");
    RequestLogRow minimal = Rows.minimal(T0.plusSeconds(1), "req-b");
    try (var store = new SqliteRequestLogStore(file)) {
      store.insert(List.of(full, minimal));
    }
    try (Connection c = connect(file)) {
      assertThat(read(c, RequestLogStore.DEFAULT_TABLE)).containsExactly(full, minimal);
    }
  }

  @Test
  void aBatchLargerThanOneStatementKeepsEveryRowAndValue() throws Exception {
    Path file = dir.resolve("log.db");
    List<RequestLogRow> rows = Rows.acrossStatements(T0);
    try (var store = new SqliteRequestLogStore(file)) {
      store.insert(rows);
    }
    try (Connection c = connect(file)) {
      assertThat(read(c, RequestLogStore.DEFAULT_TABLE)).containsExactlyElementsOf(rows);
    }
  }

  @Test
  void usesWalModeAndAnIndexOnTime() throws Exception {
    Path file = dir.resolve("log.db");
    try (var store = new SqliteRequestLogStore(file, "my_log")) {
      store.insert(List.of(Rows.minimal(T0, "r")));
      try (Connection c = connect(file); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
        try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index'"
            + " AND tbl_name = 'my_log'")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("my_log_time_idx");
        }
      }
    }
  }

  @Test
  void reopeningKeepsRowsAndAppends() throws Exception {
    Path file = dir.resolve("log.db");
    try (var store = new SqliteRequestLogStore(file)) {
      store.insert(Rows.many(T0, 3));
    }
    try (var store = new SqliteRequestLogStore(file)) {
      store.insert(Rows.many(T0, 2));
    }
    try (Connection c = connect(file)) {
      assertThat(Rows.count(c, RequestLogStore.DEFAULT_TABLE)).isEqualTo(5);
    }
  }

  @Test
  void deleteOlderThanRemovesOnlyOlderRows() throws Exception {
    Path file = dir.resolve("log.db");
    try (var store = new SqliteRequestLogStore(file)) {
      store.insert(List.of(Rows.minimal(T0.minusSeconds(3600), "old"), Rows.minimal(T0, "edge"),
          Rows.minimal(T0.plusSeconds(1), "new")));
      assertThat(store.deleteOlderThan(T0)).isEqualTo(1);
      assertThat(store.deleteOlderThan(T0)).isZero();
    }
    try (Connection c = connect(file)) {
      assertThat(read(c, RequestLogStore.DEFAULT_TABLE)).extracting(RequestLogRow::requestId)
          .containsExactly("edge", "new");
    }
  }

  @Test
  void timeTextSortsLikeTime() {
    // Fixed width, so text order in the index is time order, whatever the fraction.
    assertThat(SqliteRequestLogStore.format(Instant.parse("2026-01-01T00:00:00Z")))
        .isEqualTo("2026-01-01T00:00:00.000000Z");
    assertThat(SqliteRequestLogStore.format(Instant.parse("2026-01-01T00:00:00.5Z")))
        .isGreaterThan(SqliteRequestLogStore.format(Instant.parse("2026-01-01T00:00:00.123Z")));
  }

  @Test
  void rejectsTableNamesThatAreNotPlainIdentifiers() {
    assertThatThrownBy(() -> new SqliteRequestLogStore(dir.resolve("x.db"), "log; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("table: log; DROP TABLE x (expected:");
    assertThatThrownBy(() -> new SqliteRequestLogStore(dir.resolve("x.db"), "s.log"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no schema prefix");
  }

  @Test
  void insertAfterCloseFails() throws Exception {
    var store = new SqliteRequestLogStore(dir.resolve("log.db"));
    store.close();
    assertThatThrownBy(() -> store.insert(List.of(Rows.minimal(T0, "r")))).isInstanceOf(SQLException.class);
  }

  @Test
  void openPicksTheBackend() throws Exception {
    try (RequestLogStore store = RequestLogStore.open("sqlite", dir.resolve("o.db").toString(), "t")) {
      assertThat(store).isInstanceOf(SqliteRequestLogStore.class);
    }
    assertThatThrownBy(() -> RequestLogStore.open("mysql", "x", "t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backend: mysql (expected: sqlite or postgres)");
  }
}
