package io.switchboard.plugin.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.plugin.ratelimit.RateLimitSettings.Backend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin's config as the loader reads it: what loads, what it means, and every refusal naming its field. */
class RateLimitSettingsTest {
  static RateLimitSettings load(String config) {
    GatewayConfig c = ConfigLoader.parse("""
        providers: [{key: m, provider: mock}]
        plugins:
          - name: rate-limit
            config: %s
        """.formatted(config), Map.of("REDIS_URL", "redis://127.0.0.1:6379"));
    return (RateLimitSettings) c.plugins().getFirst().settings();
  }

  static List<String> problems(String config) {
    try {
      load(config);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the config to be refused: " + config);
  }

  @Test
  void theGuidesBlockIsAGlobalBucketOfTwentyRefilling167PerSecond() {
    RateLimitSettings s = load("{requests_per_second: 1.67, burst: 20}");
    assertThat(s.limits()).singleElement().satisfies(l -> {
      assertThat(l.field()).isEqualTo("requests_per_second");
      assertThat(l.scope()).isEqualTo(Scope.GLOBAL);
      assertThat(l.capacity()).isEqualTo(20);
      assertThat(l.perMilli() * 1000).isCloseTo(1.67, within(1e-12));
    });
    assertThat(s.backend()).isEqualTo(Backend.MEMORY);
    assertThat(s.failOpen()).isFalse();
  }

  @Test
  void burstDefaultsToTheRateRoundedUpAndAtLeastOne() {
    assertThat(load("{requests_per_second: 2.5}").limits().getFirst().capacity()).isEqualTo(3);
    assertThat(load("{requests_per_second: 0.1}").limits().getFirst().capacity()).isEqualTo(1);
  }

  @Test
  void everyLimitAndTheRedisBackendLoad() {
    RateLimitSettings s = load("{requests_per_second: 10, burst: 5, scope: model, key_rpm: 60, user_rpm: 30, "
        + "key_tpm: 100000, backend: redis, url: \"${REDIS_URL}\", key_prefix: \"t:\", timeout: 200ms, "
        + "fail_open: true}");
    assertThat(s.limits()).extracting(Limit::field).containsExactly("requests_per_second", "key_rpm", "user_rpm",
        "key_tpm");
    assertThat(s.limits()).extracting(Limit::scope).containsExactly(Scope.MODEL, Scope.KEY, Scope.USER, Scope.KEY);
    assertThat(s.limits().get(3).kind()).isEqualTo(Limit.Kind.TOKENS);
    assertThat(s.limits().get(1).perMilli()).isEqualTo(0.001);
    assertThat(s.backend()).isEqualTo(Backend.REDIS);
    assertThat(s.url()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(s.keyPrefix()).isEqualTo("t:");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.failOpen()).isTrue();
    assertThat(load("{key_rpm: 1, backend: redis, url: redis://h:1}").keyPrefix()).isEqualTo("switchboard:rl:");
  }

  @Test
  void noLimitIsRefused() {
    assertThat(problems("{}")).containsExactly("plugins[0].config: sets no limit (expected at least one of: "
        + "requests_per_second, key_rpm, user_rpm, key_tpm)");
  }

  @Test
  void badValuesAreRefusedNamingTheirField() {
    assertThat(problems("{requests_per_second: -1, burst: 0, scope: team, key_rpm: 0, user_rpm: -5, key_tpm: lots, "
        + "backend: disk, colour: red}")).containsExactlyInAnyOrder(
        "plugins[0].config.colour: unknown field (expected one of: backend, burst, fail_open, key_prefix, key_rpm, "
            + "key_tpm, max_tracked, requests_per_second, scope, timeout, url, user_rpm)",
        "plugins[0].config.requests_per_second: -1.0 is out of range (expected: > 0)",
        "plugins[0].config.burst: 0 is out of range (expected: 1 to 2147483647)",
        "plugins[0].config.scope: \"team\" is not a scope (expected one of: global, key, user, model)",
        "plugins[0].config.key_rpm: 0 is out of range (expected: 1 to 2147483647)",
        "plugins[0].config.user_rpm: -5 is out of range (expected: 1 to 2147483647)",
        "plugins[0].config.key_tpm: expected an integer, got \"lots\"",
        "plugins[0].config.backend: \"disk\" is not a backend (expected: memory or redis)");
    assertThat(problems("{requests_per_second: 0}")).containsExactly(
        "plugins[0].config.requests_per_second: 0.0 is out of range (expected: > 0)");
  }

  @Test
  void burstOrScopeWithoutARateIsRefused() {
    assertThat(problems("{key_rpm: 5, burst: 3, scope: key}")).containsExactlyInAnyOrder(
        "plugins[0].config.burst: only applies with requests_per_second (expected: requests_per_second next to it)",
        "plugins[0].config.scope: only applies with requests_per_second (expected: requests_per_second next to it)");
  }

  @Test
  void backendOptionsMustMatchTheBackend() {
    assertThat(problems("{key_rpm: 5, url: \"redis://127.0.0.1:6379\", fail_open: true}")).containsExactlyInAnyOrder(
        "plugins[0].config.url: only applies to backend: redis (expected: backend: redis next to it)",
        "plugins[0].config.fail_open: only applies to backend: redis (expected: backend: redis next to it)");
    assertThat(problems("{key_rpm: 5, backend: redis}")).containsExactly("plugins[0].config.url: is required");
    assertThat(problems("{key_rpm: 5, backend: redis, url: \"http://127.0.0.1:6379\"}")).containsExactly(
        "plugins[0].config.url: is not a Redis URL (expected: redis://host:port, rediss://... or unix://...)");
    assertThat(problems("{key_rpm: 5, backend: redis, url: \"redis://h:1\", max_tracked: 10, timeout: 0}"))
        .containsExactlyInAnyOrder(
            "plugins[0].config.max_tracked: only applies to backend: memory (Redis expires idle buckets itself)",
            "plugins[0].config.timeout: must be greater than zero");
  }
}
