package io.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.Operation;
import io.switchboard.provider.Provider;
import io.switchboard.provider.ProviderRegistry;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing decisions under Ferro's strategy spelling, as ferrogw 1.5.9 makes them (checked against the binary
 * with two mock upstreams): its named modes ask the chosen target only, and with no matching rule the first
 * target; a chosen target that does not serve the model is a 404 model_not_found. Providers come from the
 * environment, as in Ferro: openai serves the gpt family, anthropic the claude family, and
 * {@code targets[].models} adds to what a target serves.
 */
class FerroStrategiesTest {
  static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-o", "ANTHROPIC_API_KEY", "sk-a");
  static final String TARGETS = """
      targets:
        - virtual_key: openai
        - virtual_key: anthropic
          models: [gpt-4o]
      """;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static ModelRouter router(String strategy) {
    return routerOf(ConfigLoader.parse(strategy.strip() + "\n" + TARGETS, ENV));
  }

  /** A chat request: the model, the user's text, and optionally the user field, metadata, stream, tools. */
  record Ask(String model, String text, String user, Map<String, String> metadata, boolean stream, boolean tools) {
    Ask(String model, String text) {
      this(model, text, null, Map.of(), false, false);
    }
  }

  static List<String> route(ModelRouter router, Ask ask, Random random) {
    ObjectNode body = Json.object().put("model", ask.model());
    body.putArray("messages").addObject().put("role", "user").put("content", ask.text());
    RequestFacts facts = new RequestFacts(ask.model(), ask.model(), ask.stream(), ask.tools(), ask.user(),
        ask.metadata(), body);
    return router.route(ask.model(), Operation.CHAT, new RoutingContext(facts, new LocalTargetStats(), random))
        .stream().map(c -> c.target().id() + (c.variant() == null ? "" : "[" + c.variant() + "]")).toList();
  }

  static List<String> route(ModelRouter router, String model, String text) {
    return route(router, new Ask(model, text), new Random(1));
  }

  static void assertModelNotFound(ModelRouter router, Ask ask) {
    assertThatThrownBy(() -> route(router, ask, new Random(1))).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.code()).isEqualTo("model_not_found");
    });
  }

  @Test
  void aMatchedConditionAsksItsTargetOnly() {
    ModelRouter router = router("""
        strategy:
          mode: conditional
          conditions:
            - {key: model, value: gpt-4o, target_key: anthropic}
            - {key: model_prefix, value: gpt-4.1, target_keys: [anthropic, openai]}
            - {key: model, value: gpt-4o-mini, target_key: anthropic}
        """);
    assertThat(route(router, "gpt-4o", "hi")).as("anthropic serves gpt-4o by its models list").containsExactly("anthropic");
    assertThat(route(router, "gpt-4.1-mini", "hi")).as("target_keys: a chain, in order; anthropic does not serve it")
        .containsExactly("openai");
    // The rule names anthropic, which does not serve gpt-4o-mini: not found, though openai serves it.
    assertModelNotFound(router, new Ask("gpt-4o-mini", "hi"));
  }

  @Test
  void withNoMatchingConditionTheFirstTargetIsAsked() {
    ModelRouter router = router("strategy: {mode: conditional, conditions: [{key: model, value: gpt-4o, target_key: anthropic}]}");
    assertThat(route(router, "gpt-4o-mini", "hi")).containsExactly("openai");
    // anthropic serves claude, but the first target (openai) is the one asked.
    assertModelNotFound(router, new Ask("claude-3-5-haiku-latest", "hi"));
  }

  @Test
  void switchboardsOwnConditionsServeWhatTheRulesDidNotForesee() {
    // A deliberate difference: Switchboard's {query, then} form falls back to every serving target.
    ModelRouter router = router("""
        strategy: {mode: conditional, conditions: [{query: {model: gpt-4o-mini}, then: anthropic}]}
        """);
    assertThat(route(router, "claude-3-5-haiku-latest", "hi")).containsExactly("anthropic");
    assertThat(route(router, "gpt-4o-mini", "hi")).as("the rule's chain does not serve it: every serving target")
        .containsExactly("openai");
  }

  @Test
  void conditionKeysMatchTheirRequestField() {
    ModelRouter router = router("""
        strategy:
          mode: conditional
          conditions:
            - {key: user, value: alice, target_key: anthropic}
            - {key: stream, value: "true", target_key: anthropic}
            - {key: has_tools, value: "true", target_key: anthropic}
            - {key: metadata, field: tier, value: pro, target_key: anthropic}
        """);
    Random random = new Random(1);
    assertThat(route(router, new Ask("gpt-4o", "hi"), random)).containsExactly("openai");
    assertThat(route(router, new Ask("gpt-4o", "hi", "alice", Map.of(), false, false), random)).containsExactly("anthropic");
    assertThat(route(router, new Ask("gpt-4o", "hi", "bob", Map.of(), false, false), random)).containsExactly("openai");
    assertThat(route(router, new Ask("gpt-4o", "hi", null, Map.of(), true, false), random)).containsExactly("anthropic");
    assertThat(route(router, new Ask("gpt-4o", "hi", null, Map.of(), false, true), random)).containsExactly("anthropic");
    assertThat(route(router, new Ask("gpt-4o", "hi", null, Map.of("tier", "pro"), false, false), random))
        .containsExactly("anthropic");
    assertThat(route(router, new Ask("gpt-4o", "hi", null, Map.of("tier", "free"), false, false), random))
        .containsExactly("openai");
  }

  @Test
  void contentConditionsAskTheMatchedTargetOnly() {
    ModelRouter router = router("""
        strategy:
          mode: content-based
          content_conditions:
            - {type: prompt_regex, value: "\\\\bSQL\\\\b", target_key: anthropic}
            - {type: prompt_contains, value: TRANSLATE, target_key: anthropic}
            - {type: prompt_not_contains, value: please, target_key: anthropic}
        """);
    assertThat(route(router, "gpt-4o", "write SQL please")).containsExactly("anthropic");
    assertThat(route(router, "gpt-4o", "please translate this")).as("contains ignores case").containsExactly("anthropic");
    assertThat(route(router, "gpt-4o", "rude request")).as("no 'please' anywhere").containsExactly("anthropic");
    assertThat(route(router, "gpt-4o", "mySQLite, please")).as("no rule holds: the first target")
        .containsExactly("openai");
    assertModelNotFound(router, new Ask("gpt-4o-mini", "please translate"));
    assertModelNotFound(router, new Ask("claude-3-5-haiku-latest", "please"));
  }

  @Test
  void abVariantsAdvanceToTheOtherServingTargets() {
    ModelRouter router = router("""
        strategy:
          mode: ab-test
          ab_variants:
            - {target_key: anthropic, weight: 1, label: challenger}
            - {target_key: openai, weight: 0, label: control}
        """);
    Random random = new Random(1);
    for (int i = 0; i < 20; i++) {
      // The drained variant is never drawn, yet its target is still tried after the drawn one fails.
      assertThat(route(router, new Ask("gpt-4o", "hi"), random)).containsExactly("anthropic[challenger]", "openai");
    }
    // Only the drained variant serves gpt-4o-mini: Ferro answers not found.
    assertModelNotFound(router, new Ask("gpt-4o-mini", "hi"));
  }

  @Test
  void abVariantsSplitByFractionalWeights() {
    ModelRouter router = router("""
        strategy:
          mode: ab-test
          ab_variants:
            - {target_key: anthropic, weight: 0.25, label: challenger}
            - {target_key: openai, weight: 0.75, label: control}
        """);
    Random random = new Random(7);
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      first.merge(route(router, new Ask("gpt-4o", "hi"), random).getFirst(), 1, Integer::sum);
    }
    assertThat(first.keySet()).containsExactlyInAnyOrder("anthropic[challenger]", "openai[control]");
    assertThat(first.get("anthropic[challenger]") / 4000.0).isBetween(0.22, 0.28);
  }

  @Test
  void loadbalanceDrawsByFractionalTargetWeights() {
    ModelRouter router = routerOf(ConfigLoader.parse("""
        strategy: {mode: loadbalance}
        targets:
          - {virtual_key: openai, weight: 0.25}
          - {virtual_key: anthropic, weight: 0.75, models: [gpt-4o]}
        """, ENV));
    Random random = new Random(3);
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      List<String> plan = route(router, new Ask("gpt-4o", "hi"), random);
      assertThat(plan).as("a pool mode: the other target follows").hasSize(2);
      first.merge(plan.getFirst(), 1, Integer::sum);
    }
    assertThat(first.get("openai") / 4000.0).isBetween(0.22, 0.28);
  }

  @Test
  void switchboardsOwnVariantsKeepFailuresInsideTheArm() {
    ModelRouter router = router("""
        strategy: {mode: ab-test, variants: [{label: challenger, weight: 1, targets: anthropic}]}
        """);
    assertThat(route(router, "gpt-4o", "hi")).containsExactly("anthropic[challenger]");
    assertThat(route(router, "gpt-4o-mini", "hi")).as("no variant serves it: every serving target, unlabelled")
        .containsExactly("openai");
  }

  @Test
  void unpricedStrategyPlacesTheUnpricedTargetAsFerroDescribes() {
    // gpt-4o has a catalog price; anthropic is sent an unknown model, so it is unpriced.
    String targets = """
        targets:
          - virtual_key: anthropic
            model_map: {gpt-4o: house-model}
          - virtual_key: openai
        """;
    Map<String, List<String>> expected = Map.of(
        "fallback", List.of("openai", "anthropic"),
        "allow", List.of("anthropic", "openai"));
    expected.forEach((name, order) -> {
      GatewayConfig config = ConfigLoader.parse("strategy: {mode: cost-optimized, unpriced_strategy: " + name + "}\n"
          + targets, ENV);
      assertThat(route(routerOf(config), "gpt-4o", "hi")).as(name).containsExactlyElementsOf(order);
    });
    GatewayConfig skip = ConfigLoader.parse("strategy: {mode: cost-optimized, unpriced_strategy: skip}\n" + targets,
        ENV);
    assertThat(route(routerOf(skip), "gpt-4o", "hi")).containsExactly("openai");
    GatewayConfig onlyUnpriced = ConfigLoader.parse("""
        strategy: {mode: cost-optimized, unpriced_strategy: skip}
        targets: [{virtual_key: anthropic, model_map: {gpt-4o: house-model}}]
        """, ENV);
    assertThatThrownBy(() -> route(routerOf(onlyUnpriced), "gpt-4o", "hi"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("no_routable_target"));
  }

  static ModelRouter routerOf(GatewayConfig config) {
    Map<String, Provider> providers = new LinkedHashMap<>();
    var client = vertx.createHttpClient();
    config.providers().forEach(p -> providers.put(p.key(), ProviderRegistry.create(p, config, vertx, client)));
    return new ModelRouter(config, providers, Strategies.create(config));
  }
}
