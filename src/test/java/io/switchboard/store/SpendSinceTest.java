package io.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.switchboard.testing.Services;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RequestLogStore#spendSince} on the real SQLite and PostgreSQL: the same rows, the same sums. */
class SpendSinceTest {
  private static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");

  @TempDir
  Path dir;

  static RequestLogRow row(Instant time, String key, String user, String model, Double cost) {
    return new RequestLogRow(time, UUID.randomUUID().toString(), key, user, model, model, "openai", "t", 200, 5L,
        null, 10L, 5L, 0L, cost, 1, null, null, null);
  }

  static List<RequestLogRow> rows() {
    return List.of(
        row(SINCE.minusNanos(1000), "key-a", "alice", "gpt-4o", 100.0),  // before the period: left out
        row(SINCE, "key-a", "alice", "gpt-4o", 1.25),                    // exactly at the start: counted
        row(SINCE.plusSeconds(60), "key-a", "bob", "gpt-4o-mini", 0.5),
        row(SINCE.plusSeconds(120), "key-a", null, "gpt-4o", 0.25),
        row(SINCE.plusSeconds(180), "key-b", "alice", "gpt-4o", 2.0),
        row(SINCE.plusSeconds(240), "key-b", "alice", "gpt-4o", null),   // no price: left out
        row(SINCE.plusSeconds(300), null, null, "gpt-4o", 9.0));         // no key id: only in MODEL
  }

  static void checkSums(RequestLogStore store) throws SQLException {
    store.insert(rows());
    assertThat(store.spendSince(SINCE, SpendScope.KEY)).containsOnlyKeys("key-a", "key-b")
        .hasEntrySatisfying("key-a", v -> assertThat(v).isCloseTo(2.0, within(1e-12)))
        .hasEntrySatisfying("key-b", v -> assertThat(v).isCloseTo(2.0, within(1e-12)));
    assertThat(store.spendSince(SINCE, SpendScope.USER)).containsOnlyKeys("alice", "bob")
        .hasEntrySatisfying("alice", v -> assertThat(v).isCloseTo(3.25, within(1e-12)))
        .hasEntrySatisfying("bob", v -> assertThat(v).isCloseTo(0.5, within(1e-12)));
    assertThat(store.spendSince(SINCE, SpendScope.MODEL)).containsOnlyKeys("gpt-4o", "gpt-4o-mini")
        .hasEntrySatisfying("gpt-4o", v -> assertThat(v).isCloseTo(12.5, within(1e-12)));
    Map<String, Double> keyModel = store.spendSince(SINCE, SpendScope.KEY_MODEL);
    char sep = SpendScope.SEPARATOR;
    assertThat(keyModel).containsOnlyKeys("key-a" + sep + "gpt-4o", "key-a" + sep + "gpt-4o-mini",
        "key-b" + sep + "gpt-4o");
    assertThat(keyModel.get("key-a" + sep + "gpt-4o")).isCloseTo(1.5, within(1e-12));
    assertThat(store.spendSince(SINCE.plusSeconds(3600), SpendScope.KEY)).isEmpty();
    // The store still writes after a read (the read transaction was ended).
    store.insert(List.of(row(SINCE.plusSeconds(400), "key-b", null, "gpt-4o", 1.0)));
    assertThat(store.spendSince(SINCE, SpendScope.KEY).get("key-b")).isCloseTo(3.0, within(1e-12));
  }

  @Test
  void sqliteSumsCostPerScopeSinceAnInstant() throws Exception {
    try (var store = new SqliteRequestLogStore(dir.resolve("log.db"))) {
      checkSums(store);
    }
  }

  @Test
  void postgresSumsCostPerScopeSinceAnInstant() throws Exception {
    String dsn = Services.requirePostgres();
    String table = "sb_budget_spend_" + UUID.randomUUID().toString().replace("-", "");
    try (var store = new PostgresRequestLogStore(dsn, table)) {
      checkSums(store);
    } finally {
      PostgresDsn parsed = PostgresDsn.parse(dsn);
      Properties properties = new Properties();
      properties.putAll(parsed.properties());
      try (Connection c = DriverManager.getConnection(parsed.jdbcUrl(), properties); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }
}
