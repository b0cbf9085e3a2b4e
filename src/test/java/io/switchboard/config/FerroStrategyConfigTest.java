package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.StrategyConfig.AbTest;
import io.switchboard.config.StrategyConfig.Conditional;
import io.switchboard.config.StrategyConfig.ContentBased;
import io.switchboard.config.StrategyConfig.ContentRule;
import io.switchboard.config.StrategyConfig.CostOptimized;
import io.switchboard.config.StrategyConfig.Form;
import io.switchboard.config.StrategyConfig.Unpriced;
import io.switchboard.config.StrategyConfig.Variant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ferro 1.5.9's strategy spelling, as {@code ferrogw validate} accepts and refuses it; each case was checked
 * against the binary. Where Switchboard answers differently on purpose, the test says so.
 */
class FerroStrategyConfigTest {
  /** Ferro's way: no providers block, providers from the environment, targets by virtual_key. */
  static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-o", "GROQ_API_KEY", "gsk-g");
  static final String TARGETS = """
      targets:
        - virtual_key: openai
        - virtual_key: groq
      """;

  static GatewayConfig load(String strategy) {
    return ConfigLoader.parse(strategy.strip() + "\n" + TARGETS, ENV);
  }

  static List<String> refused(String strategy) {
    return problems(strategy.strip() + "\n" + TARGETS, ENV);
  }

  static RequestQuery.Test test(Conditional c, int i) {
    return (RequestQuery.Test) c.conditions().get(i).query();
  }

  @Test
  void conditionsInFerroFormAreReadAsTheQueriesTheyStandFor() {
    Conditional c = (Conditional) load("""
        strategy:
          mode: conditional
          conditions:
            - {key: model, value: gpt-4o, target_key: groq}
            - {key: model_prefix, value: gpt-4, target_keys: [groq, openai]}
            - {key: user, value: alice, target_key: openai}
            - {key: stream, value: "true", target_key: groq}
            - {key: has_tools, value: false, target_key: openai}
            - {key: metadata, field: tier, value: pro, target_key: groq}
        """).strategy().mode();
    assertThat(c.form()).isEqualTo(Form.FERRO);
    assertThat(test(c, 0).field().kind()).isEqualTo(RequestQuery.Kind.MODEL);
    assertThat(test(c, 0).op()).isEqualTo(RequestQuery.Operator.EQ);
    assertThat(test(c, 0).operand().asText()).isEqualTo("gpt-4o");
    assertThat(c.conditions().get(0).then()).containsExactly("groq");
    assertThat(test(c, 1).op()).isEqualTo(RequestQuery.Operator.PREFIX);
    assertThat(c.conditions().get(1).then()).as("target_keys is a chain, in order").containsExactly("groq", "openai");
    assertThat(test(c, 2).field().kind()).isEqualTo(RequestQuery.Kind.USER);
    assertThat(test(c, 3).field().kind()).isEqualTo(RequestQuery.Kind.STREAM);
    assertThat(test(c, 3).operand().isBoolean()).as("\"true\" is the boolean").isTrue();
    assertThat(test(c, 4).field().kind()).isEqualTo(RequestQuery.Kind.HAS_TOOLS);
    assertThat(test(c, 4).operand().asBoolean()).isFalse();
    assertThat(test(c, 5).field().kind()).isEqualTo(RequestQuery.Kind.METADATA);
    assertThat(test(c, 5).field().path()).containsExactly("tier");
  }

  @Test
  void switchboardConditionsKeepTheirOwnForm() {
    Conditional c = (Conditional) load("""
        strategy:
          mode: conditional
          conditions: [{query: {model: gpt-4o}, then: groq}]
          default: openai
        """).strategy().mode();
    assertThat(c.form()).isEqualTo(Form.SWITCHBOARD);
    assertThat(c.defaultTargets()).containsExactly("openai");
  }

  @Test
  void ferroConditionsAreRefusedAsFerroRefusesThem() {
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: provider, value: x, target_key: openai}]}"))
        .containsExactly("strategy.conditions[0].key: \"provider\" is not a condition key (expected: model, "
            + "model_prefix, user, stream, has_tools, metadata)");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: model, target_key: openai}]}"))
        .containsExactly("strategy.conditions[0].value: key model requires a non-empty value with no surrounding "
            + "spaces, got null");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: model, value: ' a', target_key: openai}]}"))
        .hasSize(1).first().asString().startsWith("strategy.conditions[0].value: key model requires a non-empty");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: stream, value: 'yes', target_key: openai}]}"))
        .containsExactly("strategy.conditions[0].value: key stream takes true or false, got \"yes\"");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: metadata, value: a, target_key: openai}]}"))
        .containsExactly("strategy.conditions[0].field: is required for key metadata (expected: the metadata "
            + "entry's name)");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: model, field: t, value: a, target_key: groq}]}"))
        .containsExactly("strategy.conditions[0].field: applies to key metadata only");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: model, value: a}]}"))
        .containsExactly("strategy.conditions[0].target_key: is required (expected: a target's virtual_key, or "
            + "target_keys: a list)");
    assertThat(refused("""
        strategy: {mode: conditional, conditions: [{key: model, value: a, target_key: openai, target_keys: [groq]}]}
        """)).containsExactly("strategy.conditions[0]: give target_key or target_keys, not both");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: model, value: a, target_keys: [groq, groq]}]}"))
        .containsExactly("strategy.conditions[0].target_keys[1]: \"groq\" repeats an earlier entry (expected: each "
            + "target once)");
    assertThat(refused("strategy: {mode: conditional, conditions: [{key: model, value: a, target_key: anthropic}]}"))
        .containsExactly("strategy.conditions[0].target_key: \"anthropic\" names no target (expected one of: "
            + "openai, groq)");
    assertThat(refused("strategy: {mode: conditional}"))
        .containsExactly("strategy.conditions: is required for this mode");
  }

  @Test
  void aListMixingBothFormsIsRefusedNamingTheEntries() {
    assertThat(refused("""
        strategy:
          mode: conditional
          conditions:
            - {key: model, value: gpt-4o, target_key: groq}
            - {query: {model: gpt-4o-mini}, then: openai}
        """)).containsExactly("strategy.conditions: mixes Ferro's form {key, value, target_key} (entries [0]) with "
            + "Switchboard's form {query, then} (entries [1]) (expected: one form for the whole list)");
    assertThat(refused("""
        strategy: {mode: conditional, conditions: [{key: model, value: gpt-4o, then: groq}]}
        """)).containsExactly("strategy.conditions[0]: mixes Ferro's fields {key, value, target_key} with "
            + "Switchboard's {query, then} (expected: one form)");
  }

  @Test
  void contentConditionsAreOneTestEach() {
    ContentBased c = (ContentBased) load("""
        strategy:
          mode: content-based
          content_conditions:
            - {type: prompt_contains, value: Translate, target_key: groq}
            - {type: prompt_not_contains, value: code, target_key: openai}
            - {type: prompt_regex, value: "(?i)\\\\b(code|function)\\\\b", target_keys: [openai, groq]}
            - {type: prompt_contains, target_key: groq}
        """).strategy().mode();
    assertThat(c.form()).isEqualTo(Form.FERRO);
    ContentRule contains = c.rules().get(0);
    assertThat(contains.contains()).as("case is ignored").containsExactly("translate");
    assertThat(contains.notContains()).isEmpty();
    assertThat(contains.then()).containsExactly("groq");
    assertThat(c.rules().get(1).notContains()).containsExactly("code");
    assertThat(c.rules().get(2).regex().pattern()).isEqualTo("(?i)\\b(code|function)\\b");
    assertThat(c.rules().get(2).then()).containsExactly("openai", "groq");
    assertThat(c.rules().get(3).contains()).as("no value: Ferro's empty string, which every prompt contains")
        .containsExactly("");
  }

  @Test
  void contentConditionsAreRefusedAsFerroRefusesThem() {
    assertThat(refused("""
        strategy: {mode: content-based, content_conditions: [{type: prompt_starts, value: x, target_key: openai}]}
        """)).containsExactly("strategy.content_conditions[0].type: \"prompt_starts\" is not a rule type (expected: "
            + "prompt_contains, prompt_not_contains, prompt_regex)");
    assertThat(refused("""
        strategy: {mode: content-based, content_conditions: [{type: prompt_regex, value: '(', target_key: openai}]}
        """)).hasSize(1).first().asString()
        .startsWith("strategy.content_conditions[0].value: \"(\" is not a valid regular expression (");
    // Ferro compiles with RE2: a look-ahead that Java would take is refused, as ferrogw refuses it.
    assertThat(refused("""
        strategy: {mode: content-based, content_conditions: [{type: prompt_regex, value: 'a(?=b)', target_key: openai}]}
        """)).containsExactly("strategy.content_conditions[0].value: \"a(?=b)\" uses (?=, which Ferro's regular "
            + "expressions (RE2) do not support (expected: no look-around, backreference or atomic group)");
    assertThat(refused("""
        strategy:
          mode: content-based
          rules: [{prompt_contains: x, then: openai}]
          content_conditions: [{type: prompt_contains, value: x, target_key: openai}]
        """)).containsExactly("strategy: give rules or content_conditions (Ferro's spelling), not both");
    assertThat(refused("strategy: {mode: content-based}")).containsExactly("strategy.rules: is required for this mode");
  }

  @Test
  void abVariantsHaveFractionalWeightsZeroWhenAbsent() {
    AbTest ab = (AbTest) load("""
        strategy:
          mode: ab-test
          ab_variants:
            - {target_key: openai, weight: 0.5, label: control}
            - {target_key: groq, label: challenger}
        """).strategy().mode();
    assertThat(ab.form()).isEqualTo(Form.FERRO);
    assertThat(ab.variants()).extracting(Variant::label, Variant::weight, Variant::targets).containsExactly(
        org.assertj.core.groups.Tuple.tuple("control", 0.5, List.of("openai")),
        org.assertj.core.groups.Tuple.tuple("challenger", 0.0, List.of("groq")));
  }

  @Test
  void abVariantsAreRefusedAsFerroRefusesThem() {
    assertThat(refused("""
        strategy: {mode: ab-test, ab_variants: [{target_key: openai, weight: 0, label: a}, {target_key: groq, label: b}]}
        """)).containsExactly("strategy.ab_variants: every weight is 0 (expected: at least one variant with weight > 0)");
    assertThat(refused("""
        strategy: {mode: ab-test, ab_variants: [{target_key: openai, weight: -1, label: a}, {target_key: groq, weight: 2, label: b}]}
        """)).containsExactly("strategy.ab_variants[0].weight: -1.0 is out of range (expected: >= 0.0)");
    assertThat(refused("strategy: {mode: ab-test, ab_variants: [{target_key: openai, weight: 1}]}"))
        .containsExactly("strategy.ab_variants[0].label: is required");
    assertThat(refused("""
        strategy: {mode: ab-test, ab_variants: [{target_key: openai, weight: 1, label: a}, {target_key: groq, weight: 1, label: a}]}
        """)).containsExactly("strategy.ab_variants[1].label: \"a\" is also the label of ab_variants[0] (expected: "
            + "unique labels; results are counted by label)");
    assertThat(refused("""
        strategy: {mode: ab-test, ab_variants: [{target_key: openai, weight: 1, label: a}, {target_key: openai, weight: 1, label: b}]}
        """)).containsExactly("strategy.ab_variants[1].target_key: \"openai\" is also the target of ab_variants[0] "
            + "(expected: one variant per target)");
    assertThat(refused("strategy: {mode: ab-test, ab_variants: [{target_keys: [openai], weight: 1, label: a}]}"))
        .contains("strategy.ab_variants[0].target_keys: unknown field (expected one of: label, target_key, weight)");
  }

  @Test
  void unpricedStrategyTakesFerrosNames() {
    Map<String, Unpriced> expected = Map.of("fallback", Unpriced.LAST, "skip", Unpriced.EXCLUDE,
        "allow", Unpriced.FIRST, "last", Unpriced.LAST, "first", Unpriced.FIRST, "exclude", Unpriced.EXCLUDE);
    expected.forEach((name, unpriced) -> assertThat(((CostOptimized) load(
        "strategy: {mode: cost-optimized, unpriced_strategy: " + name + "}\n").strategy().mode()).unpriced())
        .as(name).isEqualTo(unpriced));
    assertThat(((CostOptimized) load("strategy: {mode: cost-optimized}\n").strategy().mode()).unpriced())
        .as("Ferro's default, fallback").isEqualTo(Unpriced.LAST);
  }

  @Test
  void everyModeNameFerroAcceptsIsAccepted() {
    for (String mode : List.of("single", "fallback", "loadbalance", "load-balance", "least-latency",
        "cost-optimized")) {
      assertThat(load("strategy: {mode: " + mode + "}\n").strategy().mode()).as(mode).isNotNull();
    }
  }

  @Test
  void deliberateDifferencesFromFerro() {
    // Ferro ignores a field of another mode; Switchboard names it, so a typo'd mode is not silently half-read.
    assertThat(refused("strategy: {mode: fallback, unpriced_strategy: skip}")).containsExactly(
        "strategy.unpriced_strategy: does not apply to mode fallback (expected with: cost-optimized)");
    // Ferro refuses loadbalance when no target has a weight (its weights default to 0); here a weight
    // defaults to 1, so the same file balances evenly.
    assertThat(load("strategy: {mode: loadbalance}\n").targets()).allSatisfy(t -> assertThat(t.weight()).isEqualTo(1.0));
  }

  @Test
  void aBlockWithoutModeIsSingleAsInFerro() {
    assertThat(load("strategy: {}\n").strategy().mode()).isInstanceOf(StrategyConfig.Single.class);
    assertThat(refused("strategy: {conditions: [{key: model, value: a, target_key: openai}]}")).containsExactly(
        "strategy.conditions: does not apply to mode single (expected with: conditional)");
    // A deliberate difference: with no strategy block at all, Ferro asks the first target (single);
    // Switchboard tries every serving target in order (fallback).
    assertThat(ConfigLoader.parse(TARGETS, ENV).strategy().mode()).isInstanceOf(StrategyConfig.Fallback.class);
  }

  @Test
  void ferroRegularExpressionsAreRe2() {
    assertThat(ContentBasedReader.notRe2("a(?=b)")).isEqualTo("(?=");
    assertThat(ContentBasedReader.notRe2("(?<!x)y")).isEqualTo("(?<!");
    assertThat(ContentBasedReader.notRe2("(a)\\1")).isEqualTo("\\1");
    assertThat(ContentBasedReader.notRe2("\\\\1(a)")).as("an escaped backslash, then 1").isNull();
    assertThat(ContentBasedReader.notRe2("[(?=]x")).as("inside a class").isNull();
    assertThat(ContentBasedReader.notRe2("(?i)\\b(code|function)\\b(?:x)")).isNull();
  }

  @Test
  void targetWeightsMayBeFractionalAsFerroWritesThem() {
    GatewayConfig config = ConfigLoader.parse("""
        strategy: {mode: loadbalance}
        targets:
          - {virtual_key: openai, weight: 0.5}
          - {virtual_key: groq, weight: 2}
        """, ENV);
    assertThat(config.targets()).extracting(GatewayConfig.Target::weight).containsExactly(0.5, 2.0);
    assertThat(problems("""
        strategy: {mode: loadbalance}
        targets: [{virtual_key: openai, weight: -0.5}, {virtual_key: groq, weight: 0}]
        """, ENV)).containsExactly("targets[0].weight: -0.5 is out of range (expected: 0 to 1000000)");
    assertThat(problems("""
        strategy: {mode: loadbalance}
        targets: [{virtual_key: openai, weight: 0}, {virtual_key: groq, weight: 0.0}]
        """, ENV)).containsExactly(
        "targets: every weight is 0 (expected: at least one target with weight > 0 for loadbalance)");
  }
}
