package io.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.StrategyConfig;
import io.switchboard.config.StrategyConfig.Unpriced;
import io.switchboard.pricing.PriceCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StrategiesTest {
  static Candidate candidate(String id, int weight, String model) {
    return new Candidate(new GatewayConfig.Target(id, id, weight, GatewayConfig.Retry.NONE, List.of(), Map.of()),
        null, model);
  }

  static RoutingContext context(TargetStats stats, Random random) {
    return context(Json.object().put("model", "m"), Map.of(), stats, random);
  }

  static RoutingContext context(ObjectNode body, Map<String, String> metadata, TargetStats stats, Random random) {
    String model = body.path("model").asText();
    RequestFacts base = RequestFacts.of(model, model, body);
    return new RoutingContext(new RequestFacts(model, model, base.stream(), base.hasTools(), base.user(), metadata,
        body), stats, random);
  }

  static List<String> ids(List<Candidate> order) {
    return order.stream().map(c -> c.target().id()).toList();
  }

  // ---- least-latency ----

  @Test
  void leastLatencyPutsUnseenFirstThenFastest() {
    List<Candidate> eligible = List.of(candidate("slow", 1, "m"), candidate("new", 1, "m"), candidate("fast", 1, "m"),
        candidate("mid", 1, "m"));
    FakeStats stats = new FakeStats().latency("slow", "m", 900).latency("fast", "m", 100).latency("mid", "m", 400);
    List<Candidate> order = new LeastLatencyStrategy(0).order(eligible, context(stats, new Random(1)));
    assertThat(ids(order)).containsExactly("new", "fast", "mid", "slow");
  }

  @Test
  void leastLatencyUsesTheEstimateOfTheModelSent() {
    List<Candidate> eligible = List.of(candidate("a", 1, "big"), candidate("b", 1, "small"));
    FakeStats stats = new FakeStats().latency("a", "big", 50).latency("a", "small", 5000).latency("b", "small", 80);
    assertThat(ids(new LeastLatencyStrategy(0).order(eligible, context(stats, new Random())))).containsExactly("a", "b");
  }

  @Test
  void leastLatencyExploresAtTheConfiguredShare() {
    List<Candidate> eligible = List.of(candidate("fast", 1, "m"), candidate("b", 1, "m"), candidate("c", 1, "m"));
    FakeStats stats = new FakeStats().latency("fast", "m", 10).latency("b", "m", 20).latency("c", "m", 30);
    Random random = new Random(7);
    Map<String, Integer> first = new HashMap<>();
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      List<Candidate> order = new LeastLatencyStrategy(0.1).order(eligible, context(stats, random));
      assertThat(order).hasSize(3).doesNotHaveDuplicates();
      first.merge(order.getFirst().target().id(), 1, Integer::sum);
    }
    assertThat(first.get("fast") / (double) draws).isBetween(0.88, 0.92);
    assertThat(first.get("b") / (double) draws).isBetween(0.04, 0.06);
    assertThat(first.get("c") / (double) draws).isBetween(0.04, 0.06);
  }

  // ---- least-busy ----

  @Test
  void leastBusyOrdersByInFlight() {
    List<Candidate> eligible = List.of(candidate("a", 1, "m"), candidate("b", 1, "m"), candidate("c", 1, "m"));
    FakeStats stats = new FakeStats().busy("a", 5).busy("b", 0).busy("c", 2);
    assertThat(ids(new LeastBusyStrategy().order(eligible, context(stats, new Random())))).containsExactly("b", "c", "a");
  }

  @Test
  void leastBusyBreaksTiesByWeight() {
    List<Candidate> eligible = List.of(candidate("a", 1, "m"), candidate("b", 3, "m"), candidate("busy", 100, "m"));
    FakeStats stats = new FakeStats().busy("busy", 1);
    Random random = new Random(3);
    Map<String, Integer> first = new HashMap<>();
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      List<Candidate> order = new LeastBusyStrategy().order(eligible, context(stats, random));
      assertThat(order.getLast().target().id()).isEqualTo("busy");
      assertThat(order).doesNotHaveDuplicates().hasSize(3);
      first.merge(order.getFirst().target().id(), 1, Integer::sum);
    }
    assertThat(first.get("b") / (double) draws).isBetween(0.73, 0.77);
  }

  @Test
  void leastBusyTiesWithZeroWeightsAreUniform() {
    List<Candidate> eligible = List.of(candidate("a", 0, "m"), candidate("b", 0, "m"));
    Map<String, Integer> first = new HashMap<>();
    Random random = new Random(5);
    for (int i = 0; i < 10_000; i++) {
      first.merge(new LeastBusyStrategy().order(eligible, context(new FakeStats(), random)).getFirst().target().id(), 1,
          Integer::sum);
    }
    assertThat(first.get("a") / 10_000.0).isBetween(0.47, 0.53);
  }

  // ---- cost-optimized ----

  static ObjectNode chat(String text) {
    ObjectNode body = Json.object().put("model", "m");
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    return body;
  }

  @Test
  void costOptimizedPutsTheCheapestFirst() {
    List<Candidate> eligible = List.of(candidate("opus", 1, "claude-opus-4-1"), candidate("mini", 1, "gpt-4o-mini"),
        candidate("4o", 1, "gpt-4o-2024-08-06"), candidate("haiku", 1, "claude-3-5-haiku-20241022"));
    var strategy = new CostOptimizedStrategy(PriceCatalog.builtIn(), 256, Unpriced.LAST);
    assertThat(ids(strategy.order(eligible, context(chat("hello"), Map.of(), new FakeStats(), new Random()))))
        .containsExactly("mini", "haiku", "4o", "opus");
  }

  @Test
  void costOptimizedWeighsInputAgainstOutput() {
    // Per 1M tokens: x = $1 in / $100 out, y = $10 in / $10 out.
    PriceCatalog prices = PriceCatalog.of(Map.of(
        "x", new io.switchboard.pricing.ModelPrice("x", 1e-6, 100e-6, 0, 0, "t", "chat"),
        "y", new io.switchboard.pricing.ModelPrice("y", 10e-6, 10e-6, 0, 0, "t", "chat")));
    List<Candidate> eligible = List.of(candidate("x", 1, "x"), candidate("y", 1, "y"));
    var strategy = new CostOptimizedStrategy(prices, 256, Unpriced.LAST);
    ObjectNode longInShortOut = chat("a".repeat(40_000)).put("max_tokens", 10);
    ObjectNode shortInLongOut = chat("hi").put("max_completion_tokens", 4000);
    assertThat(ids(strategy.order(eligible, context(longInShortOut, Map.of(), new FakeStats(), new Random()))))
        .containsExactly("x", "y");
    assertThat(ids(strategy.order(eligible, context(shortInLongOut, Map.of(), new FakeStats(), new Random()))))
        .containsExactly("y", "x");
  }

  @Test
  void costOptimizedPlacesUnpricedTargetsAsConfigured() {
    List<Candidate> eligible = List.of(candidate("local", 1, "llama-local"), candidate("4o", 1, "gpt-4o"),
        candidate("mini", 1, "gpt-4o-mini"));
    RoutingContext ctx = context(chat("hi"), Map.of(), new FakeStats(), new Random());
    assertThat(ids(new CostOptimizedStrategy(PriceCatalog.builtIn(), 256, Unpriced.LAST).order(eligible, ctx)))
        .containsExactly("mini", "4o", "local");
    assertThat(ids(new CostOptimizedStrategy(PriceCatalog.builtIn(), 256, Unpriced.FIRST).order(eligible, ctx)))
        .containsExactly("local", "mini", "4o");
    assertThat(ids(new CostOptimizedStrategy(PriceCatalog.builtIn(), 256, Unpriced.EXCLUDE).order(eligible, ctx)))
        .containsExactly("mini", "4o");
  }

  @Test
  void costOptimizedMovesTooSmallContextWindowsBack() {
    List<Candidate> eligible = List.of(candidate("turbo", 1, "gpt-3.5-turbo"), candidate("4o", 1, "gpt-4o"));
    RoutingContext ctx = context(chat("x".repeat(4 * 20_000)), Map.of(), new FakeStats(), new Random());
    assertThat(ids(new CostOptimizedStrategy(PriceCatalog.builtIn(), 256, Unpriced.LAST).order(eligible, ctx)))
        .containsExactly("4o", "turbo");
  }

  // ---- conditional, content-based, ab-test: from real config ----

  static final String PROVIDERS = """
      providers: [{key: a, provider: mock}, {key: b, provider: mock}, {key: c, provider: mock}]
      """;

  static RoutingStrategy strategy(String strategyYaml) {
    return Strategies.create(ConfigLoader.parse(PROVIDERS + strategyYaml, Map.of()));
  }

  static List<Candidate> all(String... ids) {
    return java.util.Arrays.stream(ids).map(id -> candidate(id, 1, "m")).toList();
  }

  @Test
  void conditionalTakesTheFirstMatchingCondition() {
    RoutingStrategy s = strategy("""
        strategy:
          mode: conditional
          conditions:
            - query: {metadata.tier: pro, params.temperature: {$lt: 0.5}}
              then: [c, b]
            - query: {$or: [{model: {$prefix: "claude-"}}, {user: {$in: [alice, bob]}}]}
              then: b
            - query: {stream: true, has_tools: false}
              then: a
          default: a
        """);
    List<Candidate> eligible = all("a", "b", "c");
    ObjectNode cold = Json.object().put("model", "gpt-4o").put("temperature", 0.2);
    assertThat(ids(s.order(eligible, context(cold, Map.of("tier", "pro"), new FakeStats(), new Random()))))
        .containsExactly("c", "b");
    ObjectNode hot = Json.object().put("model", "gpt-4o").put("temperature", 0.9);
    assertThat(ids(s.order(eligible, context(hot, Map.of("tier", "pro"), new FakeStats(), new Random()))))
        .containsExactly("a");
    ObjectNode claude = Json.object().put("model", "claude-3-5-haiku");
    assertThat(ids(s.order(eligible, context(claude, Map.of(), new FakeStats(), new Random())))).containsExactly("b");
    ObjectNode bob = Json.object().put("model", "x").put("user", "bob");
    assertThat(ids(s.order(eligible, context(bob, Map.of(), new FakeStats(), new Random())))).containsExactly("b");
    ObjectNode stream = Json.object().put("model", "x").put("stream", true);
    assertThat(ids(s.order(eligible, context(stream, Map.of(), new FakeStats(), new Random())))).containsExactly("a");
  }

  @Test
  void conditionalFallsToDefaultThenToEveryTarget() {
    RoutingStrategy withDefault = strategy("""
        strategy:
          mode: conditional
          conditions: [{query: {metadata.team: {$regex: "^search"}}, then: c}]
          default: [b, a]
        """);
    RoutingContext search = context(Json.object().put("model", "m"), Map.of("team", "search-eu"), new FakeStats(),
        new Random());
    assertThat(ids(withDefault.order(all("a", "b", "c"), search))).containsExactly("c");
    // c does not serve this model: the default chain instead.
    assertThat(ids(withDefault.order(all("a", "b"), search))).containsExactly("b", "a");
    RoutingStrategy noDefault = strategy("""
        strategy:
          mode: conditional
          conditions: [{query: {metadata.team: {$exists: true}}, then: c}]
        """);
    RoutingContext none = context(Json.object().put("model", "m"), Map.of(), new FakeStats(), new Random());
    assertThat(ids(noDefault.order(all("a", "b", "c"), none))).containsExactly("a", "b", "c");
  }

  @Test
  void conditionalOperatorsOnMissingAndNumericFields() {
    RoutingStrategy s = strategy("""
        strategy:
          mode: conditional
          conditions:
            - query: {params.max_tokens: {$gte: 1000, $lte: 4000}, metadata.priority: {$ne: low}}
              then: c
            - query: {metadata.region: {$nin: [eu, uk]}, params.response_format.type: json_object}
              then: b
          default: a
        """);
    ObjectNode big = Json.object().put("model", "m").put("max_tokens", 2000);
    assertThat(ids(s.order(all("a", "b", "c"), context(big, Map.of(), new FakeStats(), new Random()))))
        .containsExactly("c");
    assertThat(ids(s.order(all("a", "b", "c"), context(big, Map.of("priority", "low"), new FakeStats(),
        new Random())))).containsExactly("a");
    ObjectNode json = Json.object().put("model", "m");
    json.putObject("response_format").put("type", "json_object");
    assertThat(ids(s.order(all("a", "b", "c"), context(json, Map.of(), new FakeStats(), new Random()))))
        .containsExactly("b");
    assertThat(ids(s.order(all("a", "b", "c"), context(json, Map.of("region", "eu"), new FakeStats(), new Random()))))
        .containsExactly("a");
  }

  @Test
  void contentBasedMatchesUserTextOnly() {
    RoutingStrategy s = strategy("""
        strategy:
          mode: content-based
          rules:
            - {prompt_contains: [SQL, database], prompt_not_contains: oracle, then: c}
            - {prompt_regex: "(?i)\\\\bpython\\\\b", then: [b, a]}
          default: a
        """);
    ObjectNode sql = chat("Write a sql query");
    assertThat(ids(s.order(all("a", "b", "c"), context(sql, Map.of(), new FakeStats(), new Random()))))
        .containsExactly("c");
    ObjectNode oracle = chat("My Oracle DATABASE is slow");
    assertThat(ids(s.order(all("a", "b", "c"), context(oracle, Map.of(), new FakeStats(), new Random()))))
        .containsExactly("a");
    ObjectNode parts = Json.object().put("model", "m");
    var msgs = parts.putArray("messages");
    msgs.addObject().put("role", "system").put("content", "You know SQL");
    msgs.addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", "Some Python?");
    assertThat(ids(s.order(all("a", "b", "c"), context(parts, Map.of(), new FakeStats(), new Random()))))
        .containsExactly("b", "a");
  }

  @Test
  void abTestDrawsVariantsByWeightAndLabelsThem() {
    RoutingStrategy s = strategy("""
        strategy:
          mode: ab-test
          variants:
            - {label: control, weight: 90, targets: [a, c]}
            - {label: treatment, weight: 10, targets: [b]}
        """);
    Random random = new Random(11);
    Map<String, Integer> labels = new HashMap<>();
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      List<Candidate> order = s.order(all("a", "b", "c"), context(new FakeStats(), random));
      String label = order.getFirst().variant();
      assertThat(order).allMatch(c -> label.equals(c.variant()));
      assertThat(ids(order)).isEqualTo(label.equals("control") ? List.of("a", "c") : List.of("b"));
      labels.merge(label, 1, Integer::sum);
    }
    assertThat(labels.get("treatment") / (double) draws).isBetween(0.09, 0.11);
    // Only the control arm serves this model: every request goes there.
    assertThat(s.order(all("a"), context(new FakeStats(), random)).getFirst().variant()).isEqualTo("control");
    // Neither arm serves it: configured order, unlabelled.
    assertThat(s.order(all("z"), context(new FakeStats(), random)).getFirst().variant()).isNull();
  }

  @Test
  void providerKeyNamesEveryTargetOfIt() {
    GatewayConfig config = ConfigLoader.parse("""
        providers: [{key: a, provider: mock}, {key: b, provider: mock}]
        targets: [{virtual_key: a}, {virtual_key: a}, {virtual_key: b}]
        strategy:
          mode: ab-test
          variants: [{label: only, targets: [a]}]
        """, Map.of());
    assertThat(((StrategyConfig.AbTest) config.strategy().mode()).variants().getFirst().targets()).containsExactly("a#1", "a#2");
  }
}
