package io.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ApiException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.Operation;
import io.switchboard.provider.Provider;
import io.switchboard.provider.ProviderRegistry;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelRouterTest {
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static ModelRouter router(String yaml) {
    GatewayConfig config = ConfigLoader.parse(yaml, Map.of("OPENAI_API_KEY", "sk-o", "ANTHROPIC_API_KEY", "sk-a"));
    Map<String, Provider> providers = new LinkedHashMap<>();
    var client = vertx.createHttpClient();
    config.providers().forEach(p -> providers.put(p.key(), ProviderRegistry.create(p, config, vertx, client)));
    return new ModelRouter(config, providers, Strategies.create(config));
  }

  static List<String> route(ModelRouter router, String model, Operation op) {
    RequestFacts facts = new RequestFacts(model, router.resolveAlias(model), false, false, null, Map.of(),
        io.switchboard.api.Json.object().put("model", model));
    return router.route(model, op, new RoutingContext(facts, new LocalTargetStats(), new Random(1))).stream()
        .map(c -> c.provider().key() + ":" + c.upstreamModel()).toList();
  }

  static final String STEP2 = """
      providers:
        - {key: openai, provider: openai, api_key: "${OPENAI_API_KEY}"}
        - {key: anthropic, provider: anthropic, api_key: "${ANTHROPIC_API_KEY}"}
      strategy: {mode: fallback}
      targets:
        - virtual_key: openai
          retry: {attempts: 3, retry_on_status: [429, 502, 503, 504]}
        - virtual_key: anthropic
      """;

  @Test
  void modelFamiliesPickTheirProvider() {
    ModelRouter router = router(STEP2);
    assertThat(route(router, "gpt-4o", Operation.CHAT)).containsExactly("openai:gpt-4o");
    assertThat(route(router, "o3-mini", Operation.CHAT)).containsExactly("openai:o3-mini");
    assertThat(route(router, "claude-3-5-sonnet-20241022", Operation.CHAT))
        .containsExactly("anthropic:claude-3-5-sonnet-20241022");
    assertThat(route(router, "text-embedding-3-small", Operation.EMBEDDINGS))
        .containsExactly("openai:text-embedding-3-small");
  }

  @Test
  void unknownModelIs404() {
    assertThatThrownBy(() -> route(router(STEP2), "llama-3-70b", Operation.CHAT))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("model_not_found");
          assertThat(e.param()).isEqualTo("model");
        });
  }

  @Test
  void operationAProviderLacksIsA400() {
    assertThatThrownBy(() -> route(router(STEP2), "claude-3-5-haiku-latest", Operation.EMBEDDINGS))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("unsupported_operation");
        });
  }

  @Test
  void providerPrefixAddressesOneProvider() {
    ModelRouter router = router(STEP2);
    assertThat(route(router, "anthropic/claude-3-5-haiku-latest", Operation.CHAT))
        .containsExactly("anthropic:claude-3-5-haiku-latest");
    assertThat(route(router, "openai/gpt-4o-mini", Operation.CHAT)).containsExactly("openai:gpt-4o-mini");
  }

  @Test
  void modelMapLetsATargetServeAnotherProvidersModel() {
    ModelRouter router = router("""
        providers:
          - {key: openai, provider: openai, api_key: x}
          - {key: claude, provider: anthropic, api_key: y}
        strategy: {mode: fallback}
        targets:
          - virtual_key: openai
          - virtual_key: claude
            model_map: {gpt-4o: claude-3-5-haiku-latest}
        """);
    assertThat(route(router, "gpt-4o", Operation.CHAT))
        .containsExactly("openai:gpt-4o", "claude:claude-3-5-haiku-latest");
    assertThat(route(router, "gpt-4o-mini", Operation.CHAT)).containsExactly("openai:gpt-4o-mini");
  }

  @Test
  void aliasesAndTargetModelListsRoute() {
    ModelRouter router = router("""
        providers:
          - {key: local, provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", models: [llama3]}
          - {key: openai, provider: openai, api_key: x}
        targets:
          - virtual_key: openai
            models: [my-ft-model]
          - virtual_key: local
        aliases: {fast: gpt-4o-mini, smart: fast, local-llm: llama3}
        """);
    assertThat(route(router, "smart", Operation.CHAT)).containsExactly("openai:gpt-4o-mini");
    assertThat(route(router, "my-ft-model", Operation.CHAT)).containsExactly("openai:my-ft-model");
    assertThat(route(router, "local-llm", Operation.CHAT)).containsExactly("local:llama3");
    assertThatThrownBy(() -> route(router, "mistral-large", Operation.CHAT)).isInstanceOf(ApiException.class);
  }

  @Test
  void singleModeUsesOnlyTheFirstServingTarget() {
    ModelRouter router = router("""
        providers:
          - {key: a, provider: mock}
          - {key: b, provider: mock}
        strategy: {mode: single}
        targets: [{virtual_key: a}, {virtual_key: b}]
        """);
    assertThat(route(router, "anything", Operation.CHAT)).containsExactly("a:anything");
  }

  /** The listed ids among the models the targets declare (providers also list what they know of). */
  static List<String> listedDeclared(String yaml) {
    List<String> declared = List.of("gpt-4o", "gpt-4o-mini", "claude-x", "fast");
    return router(yaml).listedModels().stream().map(ModelRouter.ListedModel::id).filter(declared::contains)
        .sorted().toList();
  }

  static final String TWO_TARGETS = """
      targets:
        - {virtual_key: openai, models: [gpt-4o, gpt-4o-mini]}
        - {virtual_key: anthropic, models: [claude-x]}
      """;

  @Test
  void ferroConditionalListsOnlyWhatItsRulesOrTheFirstTargetReach() {
    // gpt-4o -> openai by rule; anything else -> the first target, openai: claude-x would be refused
    assertThat(listedDeclared("""
        strategy:
          mode: conditional
          conditions: [{key: model, value: gpt-4o, target_key: openai}]
        """ + TWO_TARGETS)).containsExactly("gpt-4o", "gpt-4o-mini");
    // a rule that sends claude-x to anthropic makes it listed
    assertThat(listedDeclared("""
        strategy:
          mode: conditional
          conditions: [{key: model, value: claude-x, target_key: anthropic}]
        """ + TWO_TARGETS)).containsExactly("claude-x", "gpt-4o", "gpt-4o-mini");
    // with anthropic first, gpt-4o-mini falls to it and is refused; gpt-4o has its rule
    assertThat(listedDeclared("""
        strategy:
          mode: conditional
          conditions: [{key: model, value: gpt-4o, target_key: openai}]
        targets:
          - {virtual_key: anthropic, models: [claude-x]}
          - {virtual_key: openai, models: [gpt-4o, gpt-4o-mini]}
        """)).containsExactly("claude-x", "gpt-4o");
  }

  @Test
  void ferroContentBasedListsWhatARequestWithoutContentReaches() {
    assertThat(listedDeclared("""
        strategy:
          mode: content-based
          content_conditions: [{type: prompt_contains, value: code, target_key: anthropic}]
        """ + TWO_TARGETS)).containsExactly("gpt-4o", "gpt-4o-mini");
  }

  @Test
  void poolModesListEveryServedModel() {
    assertThat(listedDeclared("strategy: {mode: fallback}\n" + TWO_TARGETS))
        .containsExactly("claude-x", "gpt-4o", "gpt-4o-mini");
    assertThat(listedDeclared("strategy: {mode: load-balance}\n" + TWO_TARGETS))
        .containsExactly("claude-x", "gpt-4o", "gpt-4o-mini");
  }

  @Test
  void anAliasIsListedOnlyWhenWhatItLeadsToRoutes() {
    String rules = """
        strategy:
          mode: conditional
          conditions: [{key: model, value: gpt-4o, target_key: openai}]
        """;
    assertThat(listedDeclared(rules + TWO_TARGETS + "aliases: {fast: gpt-4o-mini}\n"))
        .containsExactly("fast", "gpt-4o", "gpt-4o-mini");
    assertThat(listedDeclared(rules + TWO_TARGETS + "aliases: {fast: claude-x}\n"))
        .containsExactly("gpt-4o", "gpt-4o-mini");
  }
}
