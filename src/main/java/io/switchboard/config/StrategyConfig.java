package io.switchboard.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How a request picks among the targets that serve its model: one record per mode, holding that mode's
 * settings only. Target lists hold target ids, resolved at load time. The modes' names, fields and readers
 * are registered in {@link StrategyReader}; routing turns each into its strategy.
 */
public sealed interface StrategyConfig {

  /** The mode's name as a config writes it. */
  default String configName() {
    return StrategyReader.nameOf(this);
  }

  /** The first eligible target only; its own retries still apply, but nothing fails over. */
  record Single() implements StrategyConfig {}

  /** Targets in configured order; the next one is tried when one fails. */
  record Fallback() implements StrategyConfig {}

  /** A weighted random order, by the targets' {@code weight}. */
  record LoadBalance() implements StrategyConfig {}

  /** Fastest observed first; {@code exploration} is the share of requests that try another target first. */
  record LeastLatency(double exploration) implements StrategyConfig {
    public static final double DEFAULT_EXPLORATION = 0.05;
  }

  /** Fewest requests in flight first. */
  record LeastBusy() implements StrategyConfig {}

  /**
   * Cheapest estimated cost first; {@code expectedOutputTokens} is the output assumed when the request sets no
   * limit, {@code unpriced} where targets without a price go.
   */
  record CostOptimized(int expectedOutputTokens, Unpriced unpriced) implements StrategyConfig {
    public static final int DEFAULT_EXPECTED_OUTPUT_TOKENS = 256;
  }

  /**
   * The first condition that matches names the chain to try. Written in Switchboard's form ({@code query},
   * {@code then}), a chain none of whose targets serves the model falls to {@code defaultTargets}, and then to
   * every target that serves it. Written in Ferro's form ({@code key}, {@code value}, {@code target_key}),
   * the chosen chain is all that is asked: the matched one, else {@code defaultTargets}, else the first
   * target; when none of it serves the model, the answer is a 404 {@code model_not_found}.
   */
  record Conditional(List<Condition> conditions, List<String> defaultTargets, Form form) implements StrategyConfig {
    public Conditional {
      conditions = List.copyOf(conditions);
      defaultTargets = List.copyOf(defaultTargets);
    }
  }

  /**
   * The first rule that holds over the user's text names the chain to try; {@code defaultTargets} otherwise.
   * {@code form} decides what happens when the chain does not serve the model, as for {@link Conditional}.
   */
  record ContentBased(List<ContentRule> rules, List<String> defaultTargets, Form form) implements StrategyConfig {
    public ContentBased {
      rules = List.copyOf(rules);
      defaultTargets = List.copyOf(defaultTargets);
    }
  }

  /**
   * Each request draws a variant by weight among those serving the model. Switchboard's form
   * ({@code variants}) tries the variant's targets only, and every serving target, unlabelled, when no variant
   * serves the model. Ferro's ({@code ab_variants}) tries the variant's target, then every other serving target
   * in configured order, and answers 404 {@code model_not_found} when no variant with a weight serves the model.
   */
  record AbTest(List<Variant> variants, Form form) implements StrategyConfig {
    public AbTest {
      variants = List.copyOf(variants);
    }
  }

  /**
   * Which vocabulary a rule list was written in; the failure semantics come with it. Ferro's modes that name
   * their target (conditional, content-based) ask that target only, where Switchboard's own form serves a
   * request the rules did not foresee from the other targets.
   */
  enum Form { SWITCHBOARD, FERRO }

  /** cost-optimized: where targets whose model has no price go. */
  enum Unpriced { LAST, FIRST, EXCLUDE }

  /** conditional: when {@code query} matches, {@code then} is tried in order. */
  record Condition(RequestQuery query, List<String> then) {
    public Condition {
      then = List.copyOf(then);
    }
  }

  /**
   * content-based, over the text of the user messages: {@code contains} (any of, lower-cased),
   * {@code notContains} (none of), {@code regex}; the ones given must all hold.
   */
  record ContentRule(List<String> contains, List<String> notContains, Pattern regex, List<String> then) {
    public ContentRule {
      contains = List.copyOf(contains);
      notContains = List.copyOf(notContains);
      then = List.copyOf(then);
    }
  }

  /** ab-test: one arm of the experiment; {@code weight} is its relative share (0: drained). */
  record Variant(String label, double weight, List<String> targets) {
    public Variant {
      targets = List.copyOf(targets);
    }
  }
}
