package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.store.RequestLogLocation;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plugins list as Ferro writes it: one entry per stage, type as a label, the store from the environment. */
class FerroPluginListTest {
  static final String PROVIDERS = "providers: [{key: m, provider: mock}]\n";

  /** The problems the loader reports, or none. */
  static List<String> problems(String yaml, Map<String, String> env) {
    try {
      ConfigLoader.parse(yaml, env);
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }

  static GatewayConfig load(String plugins, Map<String, String> env) {
    return ConfigLoader.parse(PROVIDERS + plugins, env);
  }

  /** Ferro's config.example plugin list, field for field (the advanced guardrails are not in it). */
  static final String EXAMPLE = """
      plugins:
        - {name: word-filter, type: guardrail, stage: before_request, enabled: true,
           config: {blocked_words: ["password", "secret"], case_sensitive: false}}
        - {name: max-token, type: guardrail, stage: before_request, enabled: true,
           config: {max_tokens: 4096, max_messages: 50, max_input_length: 0}}
        - {name: response-cache, type: transform, stage: before_request, enabled: false,
           config: {max_age: 300, max_entries: 1000}}
        - {name: response-cache, type: transform, stage: after_request, enabled: false,
           config: {max_age: 300, max_entries: 1000}}
        - {name: request-logger, type: logging, stage: before_request, enabled: true, config: {level: info, persist: false}}
        - {name: request-logger, type: logging, stage: after_request, enabled: true, config: {level: info, persist: false}}
        - {name: request-logger, type: logging, stage: on_error, enabled: true, config: {level: info, persist: false}}
        - {name: rate-limit, type: guardrail, stage: before_request, enabled: false,
           config: {requests_per_second: 100, burst: 100, key_rpm: 60, user_rpm: 30}}
        - {name: budget, type: guardrail, stage: before_request, enabled: false,
           config: {store_id: default, spend_limit_usd: 10.0, input_per_m_tokens: 3.0, output_per_m_tokens: 15.0,
                    max_keys: 10000}}
        - {name: budget, type: guardrail, stage: after_request, enabled: false,
           config: {store_id: default, spend_limit_usd: 10.0, input_per_m_tokens: 3.0, output_per_m_tokens: 15.0,
                    max_keys: 10000}}
      """;

  @Test
  void ferrosExampleListLoadsAndItsMultiStageEntriesAreOnePlugin() {
    GatewayConfig config = load(EXAMPLE, Map.of());
    List<String> enabled = config.plugins().stream().filter(GatewayConfig.Plugin::enabled)
        .map(p -> p.name() + "@" + p.stage()).toList();
    // request-logger's three entries are one logger, at the stage that sees every request.
    assertThat(enabled).containsExactly("word-filter@before_request", "max-token@before_request",
        "request-logger@before_request");
    assertThat(config.plugins()).filteredOn(p -> !p.enabled()).hasSize(5);
  }

  @Test
  void enabledEntriesOfOnePluginAtSeveralStagesBecomeOneInstance() {
    GatewayConfig config = load("""
        plugins:
          - {name: response-cache, type: transform, stage: before_request, config: {max_age: 300, max_entries: 10}}
          - {name: budget, type: guardrail, stage: before_request, config: {spend_limit_usd: 1, input_per_m_tokens: 3}}
          - {name: response-cache, type: transform, stage: after_request, config: {max_entries: 10, max_age: 300}}
          - {name: budget, type: guardrail, stage: after_request, config: {spend_limit_usd: 1, input_per_m_tokens: 3}}
        """, Map.of());
    assertThat(config.plugins()).extracting(p -> p.name() + "@" + p.stage() + ":" + p.type())
        .containsExactly("response-cache@before_request:transform", "budget@before_request:guardrail");
    assertThat(config.plugins()).allSatisfy(p -> assertThat(p.settings()).isNotNull());
  }

  @Test
  void entriesOfOnePluginWithDifferentConfigsAreRefusedNamingBoth() {
    assertThat(problems(PROVIDERS + """
        plugins:
          - {name: word-filter, config: {blocked_words: [x]}}
          - {name: max-token, config: {max_tokens: 10}}
          - {name: budget, stage: before_request, config: {store_id: a, spend_limit_usd: 1, input_per_m_tokens: 3}}
          - {name: budget, stage: after_request, config: {store_id: b, spend_limit_usd: 1, input_per_m_tokens: 3}}
        """, Map.of())).containsExactly("plugins[3].config: differs from plugins[2].config, another entry of plugin"
        + " budget (expected: the same config at every stage, as the entries are one plugin)");
  }

  @Test
  void onePluginTwiceAtOneStageIsRefusedButADisabledTwinIsNot() {
    assertThat(problems(PROVIDERS + """
        plugins:
          - {name: rate-limit, stage: before_request, config: {requests_per_second: 5}}
          - {name: rate-limit, stage: before_request, config: {requests_per_second: 5}}
        """, Map.of())).containsExactly("plugins[1].stage: plugin rate-limit is listed at before_request by"
        + " plugins[0] too (expected: one entry per stage; a plugin listed twice would run twice on every request)");
    // Ferro keeps two limiters with different ceilings at one stage as two instances; Switchboard names
    // plugins by name, so it refuses them too (a deliberate difference).
    assertThat(problems(PROVIDERS + """
        plugins:
          - {name: rate-limit, stage: before_request, config: {requests_per_second: 5}}
          - {name: rate-limit, stage: before_request, config: {requests_per_second: 9}}
        """, Map.of())).hasSize(2);
    assertThat(problems(PROVIDERS + """
        plugins:
          - {name: rate-limit, stage: before_request, config: {requests_per_second: 5}}
          - {name: rate-limit, stage: before_request, enabled: false, config: {requests_per_second: 9}}
        """, Map.of())).isEmpty();
  }

  @Test
  void typeIsALabelAsInFerro() {
    GatewayConfig config = load("""
        plugins:
          - {name: rate-limit, type: guardrail, config: {requests_per_second: 5}}
          - {name: budget, type: anything, config: {spend_limit_usd: 1}}
          - {name: word-filter, type: true, config: {blocked_words: [x]}}
          - {name: max-token, type: "", config: {max_tokens: 5}}
        """, Map.of());
    assertThat(config.plugins()).extracting(GatewayConfig.Plugin::type)
        .containsExactly("guardrail", "anything", "true", "");
    assertThat(problems(PROVIDERS + "plugins: [{name: rate-limit, type: [a], config: {requests_per_second: 1}}]\n",
        Map.of())).containsExactly("plugins[0].type: expected a string, got a list");
  }

  static final String PERSISTING = """
      plugins:
        - {name: request-logger, type: logging, stage: before_request, config: {level: info, persist: true}}
        - {name: request-logger, type: logging, stage: after_request, config: {level: info, persist: true}}
        - {name: request-logger, type: logging, stage: on_error, config: {level: info, persist: true}}
      """;

  @Test
  void persistTrueTakesTheStoreFromTheEnvironmentAsFerroDoes() {
    GatewayConfig sqlite = load(PERSISTING, Map.of("REQUEST_LOG_STORE_BACKEND", "sqlite"));
    assertThat(sqlite.plugins()).singleElement().satisfies(p -> assertThat(p.settings().requestLog())
        .map(RequestLogLocation::backend).contains("sqlite"));
    assertThat(sqlite.plugins().getFirst().settings().requestLog().orElseThrow().dsn())
        .isEqualTo("ferrogw-requests.db");
    GatewayConfig postgres = load(PERSISTING, Map.of("REQUEST_LOG_STORE_BACKEND", "postgres",
        "REQUEST_LOG_STORE_DSN", "postgres://gw:pw@db:5432/logs"));
    assertThat(postgres.plugins().getFirst().settings().requestLog().orElseThrow().backend()).isEqualTo("postgres");
    assertThat(problems(PROVIDERS + PERSISTING, Map.of("REQUEST_LOG_STORE_BACKEND", "mysql"))).containsExactly(
        "plugins[0].config.persist: REQUEST_LOG_STORE_BACKEND names no request log store (expected: sqlite or"
            + " postgres)");
    assertThat(problems(PROVIDERS + PERSISTING, Map.of("REQUEST_LOG_STORE_BACKEND", "postgres"))).containsExactly(
        "plugins[0].config.persist: REQUEST_LOG_STORE_DSN is not set (expected: a PostgreSQL DSN, which that backend"
            + " needs)");
  }

  @Test
  void persistTrueWithoutAStoreValidatesButRefusesToStart() {
    GatewayConfig config = load(PERSISTING, Map.of());  // validate runs without the deployment's environment
    Vertx vertx = Vertx.vertx();
    try {
      PluginContext context = new PluginContext(vertx, PriceCatalog.of(Map.of()), Clock.systemUTC(), Optional.empty(),
          "request-logger", Stage.BEFORE_REQUEST);
      assertThatThrownBy(() -> config.plugins().getFirst().settings().create(context))
          .hasMessage("plugins[0].config.persist: is true, but REQUEST_LOG_STORE_BACKEND is not set, so there is no"
              + " store to persist to (expected: REQUEST_LOG_STORE_BACKEND=sqlite or postgres, with"
              + " REQUEST_LOG_STORE_DSN; or persist: false)");
    } finally {
      vertx.close();
    }
  }
}
