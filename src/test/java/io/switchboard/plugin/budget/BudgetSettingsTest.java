package io.switchboard.plugin.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.Json;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Stage;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetSettingsTest {
  static List<String> problems(String json) {
    NodeReader r = new NodeReader();
    BudgetSettings s = BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer(json)), "plugins[0].config",
        Stage.BEFORE_REQUEST);
    assertThat(s == null).isEqualTo(!r.problems().isEmpty());
    return r.problems();
  }

  static BudgetSettings settings(String json) {
    NodeReader r = new NodeReader();
    BudgetSettings s = BudgetSettings.parse(r, Json.parseOrNull(Buffer.buffer(json)), "c", Stage.BEFORE_REQUEST);
    assertThat(r.problems()).isEmpty();
    return s;
  }

  @Test
  void defaults() {
    BudgetSettings s = settings("{\"spend_limit_usd\": 5}");
    assertThat(s.keyLimit()).isEqualTo(5.0);
    assertThat(s.userLimit()).isNull();
    assertThat(s.modelLimits()).isEmpty();
    assertThat(s.period()).isEqualTo(Period.MONTHLY);
    assertThat(s.backend()).isEqualTo(BudgetSettings.Backend.MEMORY);
    assertThat(s.keyPrefix()).isEqualTo("switchboard:budget:");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void everyField() {
    BudgetSettings s = settings("{\"spend_limit_usd\": \"2.5\", \"user_limit_usd\": 1, \"model_limits_usd\":"
        + " {\"gpt-4o\": 0.5, \"claude-sonnet-4\": 3}, \"period\": \"daily\", \"backend\": \"redis\","
        + " \"url\": \"redis://127.0.0.1:6379\", \"key_prefix\": \"team:\", \"timeout\": \"250ms\"}");
    assertThat(s.keyLimit()).isEqualTo(2.5);
    assertThat(s.userLimit()).isEqualTo(1.0);
    assertThat(s.modelLimits()).isEqualTo(Map.of("gpt-4o", 0.5, "claude-sonnet-4", 3.0));
    assertThat(s.period()).isEqualTo(Period.DAILY);
    assertThat(s.backend()).isEqualTo(BudgetSettings.Backend.REDIS);
    assertThat(s.keyPrefix()).isEqualTo("team:");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings("{\"model_limits_usd\": {\"gpt-4o\": 1}}").keyLimit()).isNull();
    assertThat(settings("{\"period\": \"total\", \"user_limit_usd\": 1}").period()).isEqualTo(Period.TOTAL);
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    assertThat(problems("{\"spend_limit_usd\": -1}"))
        .containsExactly("plugins[0].config.spend_limit_usd: -1.0 is out of range (expected: > 0)");
    // Ferro's 0 is "no limit": alone, the budget would limit nothing.
    assertThat(problems("{\"spend_limit_usd\": 0}")).containsExactly("plugins[0].config.spend_limit_usd: is 0, no"
        + " limit, and no other limit is set (expected: at least one limit above 0; to stop budgeting, enabled: false)");
    assertThat(problems("{\"spend_limit_usd\": \"lots\"}"))
        .containsExactly("plugins[0].config.spend_limit_usd: \"lots\" is not an amount (expected: US dollars > 0)");
    assertThat(problems("{\"spend_limit_usd\": 5, \"user_limit_usd\": 0}"))
        .containsExactly("plugins[0].config.user_limit_usd: 0.0 is out of range (expected: > 0)");
    assertThat(problems("{\"model_limits_usd\": {\"gpt-4o\": -2}}"))
        .containsExactly("plugins[0].config.model_limits_usd.gpt-4o: -2.0 is out of range (expected: > 0)");
    assertThat(problems("{\"model_limits_usd\": [1]}"))
        .containsExactly("plugins[0].config.model_limits_usd: expected an object, got a list");
    assertThat(problems("{\"spend_limit_usd\": 5, \"period\": \"weekly\"}"))
        .containsExactly("plugins[0].config.period: \"weekly\" (expected: daily, monthly or total)");
    assertThat(problems("{\"spend_limit_usd\": 5, \"backend\": \"sqlite\"}"))
        .containsExactly("plugins[0].config.backend: \"sqlite\" (expected: memory or redis)");
    assertThat(problems("{\"spend_limit_usd\": 5, \"backend\": \"redis\"}"))
        .containsExactly("plugins[0].config.url: is required with backend: redis (expected: redis://host:port)");
    assertThat(problems("{\"spend_limit_usd\": 5, \"url\": \"redis://x\"}")).containsExactly(
        "plugins[0].config.url: is only used with backend: redis (expected: no url with backend: memory)");
    assertThat(problems("{\"spend_limit_usd\": 5, \"backend\": \"redis\", \"url\": \"http://x\"}")).containsExactly(
        "plugins[0].config.url: is not a Redis URL (expected: redis://host:port, rediss://... or unix://...)");
    assertThat(problems("{\"spend_limit_usd\": 5, \"key_prefix\": \"\"}"))
        .containsExactly("plugins[0].config.key_prefix: must not be empty (expected: e.g. switchboard:budget:)");
  }

  @Test
  void unknownFieldsAndMissingLimitsAreRefused() {
    assertThat(problems("{\"spend_limit\": 5}")).containsExactly(
        "plugins[0].config.spend_limit: unknown field (expected one of: backend, cache_read_per_m_tokens,"
            + " cache_write_per_m_tokens, input_per_m_tokens, key_prefix, max_keys, model_limits_usd,"
            + " output_per_m_tokens, period, spend_limit_usd, store_id, timeout, url, user_limit_usd)",
        "plugins[0].config.spend_limit_usd: is required unless user_limit_usd or model_limits_usd is set"
            + " (expected: at least one limit above 0; to stop budgeting, enabled: false)");
    assertThat(problems("{\"period\": \"daily\"}")).hasSize(1).first().asString().contains("at least one limit");
    assertThat(problems("null")).hasSize(1).first().asString().startsWith("plugins[0].config: is required");
  }

  @Test
  void theLoaderRefusesABadBudgetConfigWithEveryProblem() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        providers: [{key: a, provider: openai, api_key: sk-a}]
        plugins:
          - name: budget
            type: budget
            stage: before_request
            config: {spend_limit_usd: -5, periodd: monthly}
        """, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).contains(
            "plugins[0].config.spend_limit_usd: -5.0 is out of range (expected: > 0)",
            "plugins[0].config.periodd: unknown field (expected one of: backend, cache_read_per_m_tokens,"
                + " cache_write_per_m_tokens, input_per_m_tokens, key_prefix, max_keys, model_limits_usd,"
                + " output_per_m_tokens, period, spend_limit_usd, store_id, timeout, url, user_limit_usd)"));
  }
}
