package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.StrategyConfig.Unpriced;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrategyConfigTest {
  static final String PROVIDERS = """
      providers: [{key: a, provider: mock}, {key: b, provider: mock}]
      """;

  @Test
  void modeFieldsAreReadWithDefaults() {
    GatewayConfig latency = ConfigLoader.parse(PROVIDERS + "strategy: {mode: least_latency, exploration: 0.2}", Map.of());
    assertThat(latency.strategy().mode()).isInstanceOf(StrategyConfig.LeastLatency.class);
    assertThat(((StrategyConfig.LeastLatency) latency.strategy().mode()).exploration()).isEqualTo(0.2);
    GatewayConfig cost = ConfigLoader.parse(PROVIDERS + "strategy: {mode: cost-optimized}", Map.of());
    assertThat(((StrategyConfig.CostOptimized) cost.strategy().mode()).expectedOutputTokens()).isEqualTo(256);
    assertThat(((StrategyConfig.CostOptimized) cost.strategy().mode()).unpriced()).isEqualTo(Unpriced.LAST);
    GatewayConfig cost2 = ConfigLoader.parse(PROVIDERS
        + "strategy: {mode: cost-optimized, expected_output_tokens: 1000, unpriced_strategy: exclude}", Map.of());
    assertThat(((StrategyConfig.CostOptimized) cost2.strategy().mode()).expectedOutputTokens()).isEqualTo(1000);
    assertThat(((StrategyConfig.CostOptimized) cost2.strategy().mode()).unpriced()).isEqualTo(Unpriced.EXCLUDE);
  }

  @Test
  void fieldsOfAnotherModeAndBadValuesAreProblems() {
    assertThat(problems(PROVIDERS + """
        strategy: {mode: fallback, exploration: 0.1, variants: []}
        """, Map.of())).containsExactlyInAnyOrder(
        "strategy.exploration: does not apply to mode fallback (expected with: least-latency)",
        "strategy.variants: does not apply to mode fallback (expected with: ab-test)");
    assertThat(problems(PROVIDERS + """
        strategy: {mode: least-latency, exploration: 2}
        """, Map.of())).containsExactly("strategy.exploration: 2.0 is out of range (expected: 0 to 1)");
    assertThat(problems(PROVIDERS + """
        strategy: {mode: cost-optimized, unpriced_strategy: random, expected_output_tokens: -5}
        """, Map.of())).containsExactlyInAnyOrder(
        "strategy.unpriced_strategy: \"random\" is not a choice (expected: last, first, exclude, or Ferro's "
            + "fallback, allow, skip)",
        "strategy.expected_output_tokens: -5 is out of range (expected: 0 to 10000000)");
  }

  @Test
  void conditionalProblemsAreAllReportedWithPaths() {
    assertThat(problems(PROVIDERS + """
        strategy:
          mode: conditional
          conditions:
            - query: {metadata.tier: {$equals: pro}}
              then: nope
            - query: {model: {$regex: "gpt-(4"}, colour: red, $not: {}}
              then: [a, 3]
            - query: {params.max_tokens: {$gt: "many"}, user: {$in: alice}, stream: {$exists: 1}}
              then: []
            - query: {$or: {model: x}, has_tools: [true]}
              then: b
              when: now
            - then: a
          default: [z]
        """, Map.of())).containsExactlyInAnyOrder(
        "strategy.conditions[0].query.metadata.tier.$equals: \"$equals\" is not an operator (expected: $eq, $ne, $in, "
            + "$nin, $gt, $gte, $lt, $lte, $regex, $exists, $prefix)",
        "strategy.conditions[0].then: \"nope\" names no target (expected one of: a, b)",
        "strategy.conditions[1].query.model.$regex: \"gpt-(4\" is not a valid regular expression (Unclosed group)",
        "strategy.conditions[1].query.colour: unknown field (expected: model, user, stream, has_tools, "
            + "metadata.<key>, params.<body field>)",
        "strategy.conditions[1].query.$not: \"$not\" is not a combinator here (expected: $and, $or, or a field)",
        "strategy.conditions[1].then[1]: expected a target name, got 3",
        "strategy.conditions[2].query.params.max_tokens.$gt: \"many\" is not a valid operand (expected: a number)",
        "strategy.conditions[2].query.user.$in: \"alice\" is not a valid operand (expected: a list of values)",
        "strategy.conditions[2].query.stream.$exists: 1 is not a valid operand (expected: true or false)",
        "strategy.conditions[2].then: is empty (expected: at least one target)",
        "strategy.conditions[3].query.$or: expected a non-empty list of queries, got an object",
        "strategy.conditions[3].query.has_tools: expected a value or an object of operators ($eq, $in, ...), got a list",
        "strategy.conditions[3].when: unknown field (expected one of: query, then)",
        "strategy.conditions[4].query: is required",
        "strategy.default[0]: \"z\" names no target (expected one of: a, b)");
    assertThat(problems(PROVIDERS + "strategy: {mode: conditional}", Map.of()))
        .containsExactly("strategy.conditions: is required for this mode");
  }

  @Test
  void contentBasedAndAbTestProblems() {
    assertThat(problems(PROVIDERS + """
        strategy:
          mode: content-based
          rules:
            - {then: a}
            - {prompt_regex: "[", then: b, prompt_startswith: x}
            - {prompt_contains: [1], then: a}
        """, Map.of())).containsExactlyInAnyOrder(
        "strategy.rules[0]: has no test (expected: prompt_contains, prompt_not_contains or prompt_regex)",
        "strategy.rules[1].prompt_startswith: unknown field (expected one of: prompt_contains, prompt_not_contains, "
            + "prompt_regex, then)",
        "strategy.rules[1].prompt_regex: \"[\" is not a valid regular expression (Unclosed character class)",
        "strategy.rules[2].prompt_contains[0]: expected a non-empty string, got 1");
    assertThat(problems(PROVIDERS + """
        strategy:
          mode: ab-test
          variants:
            - {label: x, weight: 0, targets: a}
            - {label: x, weight: 0, targets: b}
            - {weight: 5, targets: [c]}
        """, Map.of())).containsExactlyInAnyOrder(
        "strategy.variants[1].label: \"x\" is used twice (expected: unique labels)",
        "strategy.variants[2].label: is required",
        "strategy.variants[2].targets[0]: \"c\" names no target (expected one of: a, b)",
        "strategy.variants: every weight is 0 (expected: at least one variant with weight > 0)");
  }

  @Test
  void pricingFileExtendsAndOverridesTheCatalog(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, """
        {"gpt-4o": {"input_cost_per_token": 1e-6, "output_cost_per_token": 4e-6},
         "my-llama": {"input_cost_per_token": 0, "output_cost_per_token": 1e-7, "litellm_provider": "openai"}}
        """);
    GatewayConfig config = ConfigLoader.parse(PROVIDERS + "pricing_file: " + file, Map.of());
    assertThat(config.prices().lookup("gpt-4o").orElseThrow().inputCostPerToken()).isEqualTo(1e-6);
    assertThat(config.prices().lookup("my-llama")).isPresent();
    assertThat(config.prices().lookup("gpt-4o-mini")).isPresent();
    assertThat(ConfigLoader.parse(PROVIDERS, Map.of()).prices().lookup("my-llama")).isEmpty();
  }

  @Test
  void badPricingFilesNameTheFileAndTheEntry(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"m\": {\"input_cost_per_token\": \"free\"}}");
    assertThat(problems(PROVIDERS + "pricing_file: " + bad, Map.of())).containsExactly(
        "pricing_file: " + bad + ": m.input_cost_per_token: \"free\" is not a price (expected: a number >= 0, "
            + "dollars per token)");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"m\": ");
    assertThat(problems(PROVIDERS + "pricing_file: " + broken, Map.of()).getFirst())
        .startsWith("pricing_file: \"" + broken + "\" is not valid JSON at line 1, column ");
    assertThat(problems(PROVIDERS + "pricing_file: " + dir.resolve("none.json"), Map.of()))
        .containsExactly("pricing_file: \"" + dir.resolve("none.json") + "\": no such file");
  }

  @Test
  void liteLlmRoutingStrategiesMapToTheRealModes() {
    Map<String, Class<? extends StrategyConfig>> expected = Map.of(
        "simple-shuffle", StrategyConfig.LoadBalance.class,
        "usage-based-routing", StrategyConfig.LoadBalance.class,
        "usage-based-routing-v2", StrategyConfig.LoadBalance.class,
        "least-busy", StrategyConfig.LeastBusy.class,
        "latency-based-routing", StrategyConfig.LeastLatency.class,
        "cost-based-routing", StrategyConfig.CostOptimized.class);
    expected.forEach((litellm, mode) -> {
      GatewayConfig config = ConfigLoader.parse("""
          model_list:
            - model_name: gpt-4o
              litellm_params: {model: openai/gpt-4o, api_key: sk-1}
            - model_name: gpt-4o
              litellm_params: {model: openai/gpt-4o, api_key: sk-2}
          router_settings:
            routing_strategy: %s
          """.formatted(litellm), Map.of());
      assertThat(config.strategy().mode()).as(litellm).isInstanceOf(mode);
    });
  }

  @Test
  void liteLlmStrategiesWithFallbacksTryDeploymentsInOrder() {
    for (String litellm : new String[] {"least-busy", "latency-based-routing", "cost-based-routing"}) {
      GatewayConfig config = ConfigLoader.parse("""
          model_list:
            - model_name: gpt-4o
              litellm_params: {model: openai/gpt-4o, api_key: sk-1}
            - model_name: claude
              litellm_params: {model: anthropic/claude-3-5-haiku-latest, api_key: sk-2}
          router_settings:
            routing_strategy: %s
            fallbacks: [{gpt-4o: [claude]}]
          """.formatted(litellm), Map.of());
      assertThat(config.strategy().mode()).as(litellm).isInstanceOf(StrategyConfig.Fallback.class);
    }
  }
}
