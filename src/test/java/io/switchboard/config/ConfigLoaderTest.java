package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.UnsupportedParamPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  static List<String> problems(String yaml, Map<String, String> env) {
    try {
      ConfigLoader.parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the config to be refused:\n" + yaml);
  }

  @Test
  void fullConfigIsReadIntoRecords() {
    GatewayConfig config = ConfigLoader.parse("""
        server: {port: 9000, max_body_bytes: 2048}
        virtual_keys:
          - key: oai
            provider: openai
            api_key: ${KEY}
            base_url: http://127.0.0.1:1234/v1/
            headers: {x-team: search}
            timeout: 1500ms
            models: [my-finetune]
          - key: claude
            provider: anthropic
            api_key: ${MISSING:-fallback-key}
            timeout: 2m
        strategy: {mode: load-balance}
        targets:
          - virtual_key: oai
            weight: 3
            retry: {attempts: 4, on_status_codes: [500], initial_backoff_ms: 50, max_backoff_ms: 400}
            models: [extra]
            model_map: {claude-3-5-haiku-latest: gpt-4o-mini}
          - virtual_key: claude
            weight: 1
        aliases: {fast: gpt-4o-mini, quick: fast}
        compatibility: {on_unsupported_param: reject}
        """, Map.of("KEY", "sk-abc"));

    assertThat(config.server().port()).isEqualTo(9000);
    assertThat(config.server().maxBodyBytes()).isEqualTo(2048);
    GatewayConfig.Provider oai = config.providers().get(0);
    assertThat(oai.apiKey().value()).isEqualTo("sk-abc");
    assertThat(oai.apiKey().toString()).doesNotContain("sk-abc");
    assertThat(oai.toString()).doesNotContain("sk-abc");
    assertThat(oai.baseUrl()).isEqualTo("http://127.0.0.1:1234/v1");
    assertThat(oai.headers()).containsEntry("x-team", "search");
    assertThat(oai.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(oai.models()).containsExactly("my-finetune");
    assertThat(config.providers().get(1).apiKey().value()).isEqualTo("fallback-key");
    assertThat(config.providers().get(1).timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.strategy().mode()).isInstanceOf(StrategyConfig.LoadBalance.class);
    GatewayConfig.Target t = config.targets().get(0);
    assertThat(t.weight()).isEqualTo(3.0);
    assertThat(t.retry().attempts()).isEqualTo(4);
    assertThat(t.retry().retryOnStatus()).containsExactly(500);
    assertThat(t.retry().initialBackoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(t.retry().maxBackoff()).isEqualTo(Duration.ofMillis(400));
    assertThat(t.models()).containsExactly("extra");
    assertThat(t.modelMap()).containsEntry("claude-3-5-haiku-latest", "gpt-4o-mini");
    assertThat(config.aliases()).containsEntry("quick", "fast");
    assertThat(config.onUnsupportedParam()).isEqualTo(UnsupportedParamPolicy.REJECT);
  }

  @Test
  void baseUrlVariablesStandInForAnAbsentBaseUrl() {
    String yaml = """
        providers:
          - {key: o, provider: openai, api_key: k}
          - {key: a, provider: anthropic, api_key: k, base_url: "https://proxy.example.com/anthropic"}
        """;
    GatewayConfig config = ConfigLoader.parse(yaml, Map.of("OPENAI_BASE_URL", "http://127.0.0.1:1/v1/",
        "ANTHROPIC_BASE_URL", "http://ignored.example.com"));
    assertThat(config.providers().get(0).baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
    assertThat(config.providers().get(1).baseUrl()).isEqualTo("https://proxy.example.com/anthropic");
    assertThat(problems(yaml, Map.of("OPENAI_BASE_URL", "localhost:1"))).containsExactly(
        "providers[0].base_url (from OPENAI_BASE_URL): is not an http(s) URL with a host");
  }

  @Test
  void jsonConfigsAreAccepted() {
    GatewayConfig config = ConfigLoader.parse("""
        {"providers": [{"key": "m", "provider": "mock"}], "strategy": {"mode": "single"},
         "targets": [{"virtual_key": "m"}]}
        """, Map.of());
    assertThat(config.providers()).singleElement().extracting(GatewayConfig.Provider::type).isEqualTo(ProviderType.MOCK);
  }

  @Test
  void unknownModeNamesTheFieldAndTheChoices() {
    assertThat(problems("""
        providers: [{key: m, provider: mock}]
        strategy: {mode: fastest}
        """, Map.of())).containsExactly(
        "strategy.mode: \"fastest\" is not a mode (expected: single, fallback, loadbalance, least-latency, "
            + "least-busy, cost-optimized, conditional, content-based, ab-test)");
  }

  @Test
  void everyModeOfTheIssueIsAccepted() {
    for (String mode : List.of("least-latency", "least_latency", "least-busy", "cost-optimized", "load_balance")) {
      assertThat(ConfigLoader.parse("providers: [{key: m, provider: mock}]\nstrategy: {mode: " + mode + "}\n",
          Map.of()).strategy().mode()).isNotNull();
    }
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<String> problems = problems("""
        providers:
          - key: a
            provider: openia
            api_key: x
            timeot: 5
          - key: b
            provider: openai
            base_url: ftp://example.com
            timeout: soon
          - key: a
            provider: mock
        strategy: {mode: fallback, retries: 3}
        targets:
          - virtual_key: nope
            weight: -1
            retry: {attempts: "many", retry_on_status: [99, 503]}
          - virtual_key: b
            model_map: {x: [1]}
        aliases: {a: b, b: a}
        plugins:
          - name: rate-limiter
            stage: sometime
            config: 3
        compatibility: {on_unsupported_param: ignore}
        extra: true
        """, Map.of());
    assertThat(problems).containsExactlyInAnyOrder(
        "extra: unknown field (expected one of: aliases, apiVersion, batch_target, circuit_breaker, compatibility, "
            + "context_window_fallback, max_request_bytes, mcp_servers, observability, plugins, pricing_file, providers, "
            + "request_timeout, responses_target, server, state, strategy, targets, virtual_keys)",
        "providers[0].timeot: unknown field (expected one of: api_key, base_url, connect_timeout, headers, http2, key, "
            + "models, provider, stream_idle_timeout, timeout, tls)",
        "providers[0].provider: is not a provider type (expected: " + ConfigLoader.expectedProviders() + ")",
        "providers[1].api_key: is required for provider openai (or set OPENAI_API_KEY)",
        "providers[1].base_url: is not an http(s) URL with a host",
        "providers[1].timeout: \"soon\" is not a duration (expected: seconds, or a number with ms, s, m or h)",
        "providers: key \"a\" is used twice (expected: unique keys)",
        "strategy.retries: unknown field (expected one of: ab_variants, conditions, content_conditions, default, "
            + "expected_output_tokens, exploration, failover_on_status_codes, mode, rules, unpriced_strategy, variants)",
        "targets[0].virtual_key: \"nope\" names no provider (expected one of: b, a)",
        "targets[0].weight: -1 is out of range (expected: 0 to 1000000)",
        "targets[0].retry.attempts: expected an integer, got \"many\"",
        "targets[0].retry.retry_on_status[0]: 99 is not an HTTP status (expected: 100 to 599)",
        "targets[1].model_map.x: expected a string, got a list",
        "aliases.a: aliases form a cycle through \"a\"",
        "aliases.b: aliases form a cycle through \"b\"",
        "plugins[0].name: \"rate-limiter\" is not a plugin (expected one of: budget, max-token, pii-redact, "
            + "prompt-shield, rate-limit, regex-guard, request-logger, response-cache, schema-guard, secret-scan, word-filter)",
        "plugins[0].stage: \"sometime\" is not a stage (expected one of: before_request, after_request, on_error)",
        "plugins[0].config: expected an object, got 3",
        "compatibility.on_unsupported_param: \"ignore\" is not a policy (expected: warn, drop, reject)");
  }

  @Test
  void aPluginAtAStageItCannotActAtIsRefusedAndItsTypeIsALabel() {
    assertThat(problems("""
        providers: [{key: m, provider: mock}]
        plugins:
          - {name: rate-limit, type: logging, stage: after_request, config: {requests_per_second: 1, burst: 1}}
          - {name: schema-guard, type: guardrail, stage: before_request}
          - {name: budget, type: cache}
        """, Map.of())).containsExactly(
        // As in Ferro, which never reads it, a type is a label: "logging" and "cache" pass.
        "plugins[0].stage: plugin rate-limit cannot run at after_request (expected: before_request)",
        "plugins[1].stage: plugin schema-guard cannot run at before_request (expected: after_request)",
        "plugins[1].config: has no schema (expected: schema or schema_file)",
        "plugins[2].config.spend_limit_usd: is required unless user_limit_usd or model_limits_usd is set (expected:"
            + " at least one limit above 0; to stop budgeting, enabled: false)");
  }

  @Test
  void unsetVariableWithoutDefaultIsAProblem() {
    assertThat(problems("""
        providers: [{key: m, provider: openai-compatible, base_url: "${BASE}"}]
        """, Map.of())).containsExactly(
        "providers[0].base_url: environment variable BASE is not set (use ${BASE:-default} to give a default)");
  }

  @Test
  void secretsNeverAppearInProblems() {
    List<String> problems = problems("""
        providers: [{key: o, provider: openai, api_key: 12345, tiemout: 1}]
        """, Map.of());
    assertThat(String.join("\n", problems)).doesNotContain("12345");
    assertThat(problems).contains("providers[0].api_key: expected a string, got a number");
  }

  @Test
  void malformedYamlNamesTheLine() {
    assertThat(problems("providers: [\n  {key: a\n", Map.of()))
        .singleElement().asString().startsWith("config: not valid YAML or JSON at line");
  }

  @Test
  void weightsMustAllowALoadBalancedPick() {
    assertThat(problems("""
        providers: [{key: m, provider: mock}]
        strategy: {mode: loadbalance}
        targets: [{virtual_key: m, weight: 0}]
        """, Map.of())).containsExactly(
        "targets: every weight is 0 (expected: at least one target with weight > 0 for loadbalance)");
  }

  @Test
  void embeddedDefaultNeedsNoKey() {
    GatewayConfig config = ConfigLoader.embeddedDefault();
    assertThat(config.providers()).singleElement().satisfies(p -> assertThat(p.type()).isEqualTo(ProviderType.MOCK));
  }

  @Test
  void missingFileIsAClearProblem() {
    assertThatThrownBy(() -> ConfigLoader.load(java.nio.file.Path.of("/nonexistent/x.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/nonexistent/x.yaml: no such file");
  }
}
