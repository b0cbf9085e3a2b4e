package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.GatewayConfig.CircuitBreaker;
import io.switchboard.config.GatewayConfig.Concurrency;
import io.switchboard.config.GatewayConfig.State;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResilienceConfigTest {
  @Test
  void resilienceFieldsAreRead() {
    GatewayConfig config = ConfigLoader.parse("""
        providers:
          - {key: a, provider: mock, timeout: 20s, connect_timeout: 2s, stream_idle_timeout: 5s}
          - {key: b, provider: mock}
        request_timeout: 45s
        circuit_breaker: {failure_threshold: 3, timeout: 10s}
        context_window_fallback: big
        state: {backend: redis, url: "redis://10.0.0.1:6380", key_prefix: "sb:"}
        targets:
          - virtual_key: a
            timeout: 3s
            concurrency: {max_concurrency: 4, queue_size: 8}
            circuit_breaker: {failure_threshold: 7, success_threshold: 1, timeout: 500ms}
          - virtual_key: b
          - {virtual_key: b, name: big}
        """, Map.of());

    assertThat(config.resilience().requestTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.resilience().contextWindowFallback()).isEqualTo("big");
    assertThat(config.resilience().state()).isEqualTo(new State(State.Backend.REDIS, "redis://10.0.0.1:6380", "sb:"));
    var a = config.targets().get(0);
    assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(a.concurrency()).isEqualTo(new Concurrency(4, 8));
    assertThat(a.circuitBreaker()).isEqualTo(new CircuitBreaker(7, 1, Duration.ofMillis(500)));
    // the top-level block is the default of targets without their own; unset fields take the built-in defaults
    assertThat(config.targets().get(1).circuitBreaker()).isEqualTo(new CircuitBreaker(3, 2, Duration.ofSeconds(10)));
    assertThat(config.targets().get(1).concurrency()).isNull();
    assertThat(config.targets().get(1).timeout()).isNull();
    var provider = config.providers().get(0);
    assertThat(provider.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(provider.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void defaultsAreOffOrSafe() {
    GatewayConfig config = ConfigLoader.parse("providers: [{key: a, provider: mock, timeout: 7s}]", Map.of());
    assertThat(config.resilience()).isEqualTo(GatewayConfig.Resilience.DEFAULT);
    assertThat(config.targets().getFirst().circuitBreaker()).isNull();
    assertThat(config.providers().getFirst().streamIdleTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.providers().getFirst().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void topLevelBreakerAppliesWithoutATargetsBlock() {
    GatewayConfig config = ConfigLoader.parse("""
        providers: [{key: a, provider: mock}]
        circuit_breaker: {}
        """, Map.of());
    assertThat(config.targets().getFirst().circuitBreaker()).isEqualTo(CircuitBreaker.DEFAULT);
  }

  @Test
  void problemsAreReportedWithTheirPaths() {
    assertThat(problems("""
        providers: [{key: a, provider: mock, connect_timeout: fast}]
        request_timeout: 0
        context_window_fallback: nowhere
        state: {backend: etcd, url: "http://x", ttl: 3}
        circuit_breaker: {failure_threshold: 0, timeout: never}
        targets:
          - virtual_key: a
            concurrency: {queue_size: -1}
            circuit_breaker: {probes: 1}
        """, Map.of())).containsExactlyInAnyOrder(
        "providers[0].connect_timeout: \"fast\" is not a duration (expected: seconds, or a number with ms, s, m or h)",
        "request_timeout: must be greater than zero",
        "context_window_fallback: \"nowhere\" names no target (expected one of: a)",
        "state.ttl: unknown field (expected one of: backend, key_prefix, url)",
        "state.backend: \"etcd\" is not a backend (expected: memory, redis)",
        "state.url: \"http://x\" is not a Redis URL (expected: redis://host:port)",
        "circuit_breaker.failure_threshold: 0 is out of range (expected: 1 to 1000000)",
        "circuit_breaker.timeout: \"never\" is not a duration (expected: seconds, or a number with ms, s, m or h)",
        "targets[0].concurrency.queue_size: -1 is out of range (expected: 0 to 1000000)",
        "targets[0].concurrency.max_concurrency: is required",
        "targets[0].circuit_breaker.probes: unknown field (expected one of: failure_threshold, max_half_threshold, success_threshold, timeout)");
  }

  @Test
  void maxHalfThresholdIsReadOnTargetsAndTheTopLevelDefault() {
    GatewayConfig config = ConfigLoader.parse("""
        providers: [{key: a, provider: mock}, {key: b, provider: mock}]
        circuit_breaker: {max_half_threshold: 4}
        targets:
          - virtual_key: a
            circuit_breaker: {failure_threshold: 3, max_half_threshold: 2}
          - virtual_key: b
        """, Map.of());
    // a target's own block does not inherit fields from the top-level one: unset fields take the built-ins
    assertThat(config.targets().get(0).circuitBreaker()).isEqualTo(new CircuitBreaker(3, 2, Duration.ofSeconds(30), 2));
    assertThat(config.targets().get(1).circuitBreaker().maxHalfOpen()).isEqualTo(4);
    assertThat(CircuitBreaker.DEFAULT.maxHalfOpen()).isEqualTo(1);
  }

  @Test
  void maxHalfThresholdBelowOneIsRefusedLikeFerro() {
    assertThat(problems("""
        providers: [{key: a, provider: mock}]
        circuit_breaker: {max_half_threshold: -1}
        targets:
          - virtual_key: a
            circuit_breaker: {max_half_threshold: 0}
          - virtual_key: a
            name: a2
            circuit_breaker: {max_half_threshold: 1.5}
        """, Map.of())).containsExactlyInAnyOrder(
        "circuit_breaker.max_half_threshold: -1 is out of range (expected: 1 to 1000000)",
        "targets[0].circuit_breaker.max_half_threshold: 0 is out of range (expected: 1 to 1000000)",
        "targets[1].circuit_breaker.max_half_threshold: expected an integer, got 1.5");
  }
}
