package io.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresDsnTest {
  @Test
  void jdbcDsnPassesThrough() {
    PostgresDsn dsn = PostgresDsn.parse("jdbc:postgresql://db:5433/logs?user=u");
    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/logs?user=u");
    assertThat(dsn.properties()).isEmpty();
  }

  @Test
  void urlUserAndPasswordMoveIntoProperties() {
    PostgresDsn dsn = PostgresDsn.parse("postgres://app:s%40cr%3At+x@db.internal:6543/logs?sslmode=require");
    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/logs?sslmode=require");
    assertThat(dsn.properties()).containsEntry("user", "app").containsEntry("password", "s@cr:t+x");
    assertThat(dsn.toString()).doesNotContain("s@cr");
  }

  @Test
  void postgresqlSchemeUserOnlyAndDefaults() {
    PostgresDsn dsn = PostgresDsn.parse("postgresql://postgres@127.0.0.1/test");
    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/test");
    assertThat(dsn.properties()).containsEntry("user", "postgres").doesNotContainKey("password");
    assertThat(PostgresDsn.parse("postgres://[::1]:5432/db").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
  }

  @Test
  void rejectsOtherSchemesWithoutEchoingSecrets() {
    assertThatThrownBy(() -> PostgresDsn.parse("mysql://u:hunter2@h/db")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dsn: scheme mysql (expected:").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> PostgresDsn.parse(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PostgresDsn.parse("postgres:///db")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dsn: no host");
  }
}
