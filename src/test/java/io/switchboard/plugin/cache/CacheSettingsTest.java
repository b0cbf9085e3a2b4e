package io.switchboard.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {
  static GatewayConfig load(String pluginConfig) {
    return ConfigLoader.parse("""
        providers: [{key: mock, provider: mock}]
        plugins:
          - name: response-cache
            type: transform
            stage: before_request
            config: %s
        """.formatted(pluginConfig), Map.of("REDIS_URL", "redis://127.0.0.1:6379"));
  }

  static CacheSettings settings(String pluginConfig) {
    return (CacheSettings) load(pluginConfig).plugins().getFirst().settings();
  }

  @Test
  void theGuideBlockLoadsAsWritten() {
    CacheSettings s = settings("{max_age: 300, max_entries: 1000}");
    assertThat(s.maxAge()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.maxEntries()).isEqualTo(1000);
    assertThat(s.maxEntryBytes()).isEqualTo(1024 * 1024);
    assertThat(s.backend()).isEqualTo(CacheSettings.Backend.MEMORY);
    assertThat(s.keyPrefix()).isEqualTo("switchboard:cache:");
  }

  @Test
  void defaultsAndDurations() {
    CacheSettings s = settings("{}");
    assertThat(s.maxAge()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.maxEntries()).isEqualTo(1000);
    assertThat(settings("{max_age: 2m}").maxAge()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings("{max_age: 1.5}").maxAge()).isEqualTo(Duration.ofMillis(1500));
    CacheSettings redis = settings("{backend: redis, url: \"${REDIS_URL}\", key_prefix: \"app:\", max_entry_bytes: 4096}");
    assertThat(redis.backend()).isEqualTo(CacheSettings.Backend.REDIS);
    assertThat(redis.url()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(redis.keyPrefix()).isEqualTo("app:");
    assertThat(redis.maxEntryBytes()).isEqualTo(4096);
    assertThat(redis.toString()).doesNotContain("redis://");
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> load("{max_age: 0, max_entries: 0, max_entry_bytes: -1, backend: disk, colour: red}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plugins[0].config.max_age: must be greater than zero")
        .hasMessageContaining("plugins[0].config.max_entries: 0 is out of range (expected: 1 to")
        .hasMessageContaining("plugins[0].config.max_entry_bytes: -1 is out of range (expected: 1 to")
        .hasMessageContaining("plugins[0].config.backend: \"disk\" is not a backend (expected: memory or redis)")
        .hasMessageContaining("plugins[0].config.colour: unknown field (expected one of: backend, key_prefix, max_age, "
            + "max_entries, max_entry_bytes, url)");
    assertThatThrownBy(() -> load("{max_age: -5s}")).hasMessageContaining("plugins[0].config.max_age:");
    assertThatThrownBy(() -> load("{backend: redis}")).hasMessageContaining("plugins[0].config.url: is required");
    assertThatThrownBy(() -> load("{backend: redis, url: \"http://secret@host\"}"))
        .hasMessageContaining("plugins[0].config.url: is not a Redis URL")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret@host"));
    assertThatThrownBy(() -> load("{url: \"redis://h:6379\"}"))
        .hasMessageContaining("plugins[0].config.url: is only used with backend: redis");
    assertThatThrownBy(() -> load("{key_prefix: \"\"}")).hasMessageContaining("plugins[0].config.key_prefix: must not be empty");
    assertThatThrownBy(() -> load("{max_entries: many}")).hasMessageContaining("plugins[0].config.max_entries: expected an integer");
  }
}
