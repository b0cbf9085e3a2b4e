package io.switchboard.routing;

import io.switchboard.config.StrategyConfig.Condition;
import io.switchboard.config.StrategyConfig.Form;
import java.util.List;

/**
 * The first condition whose query matches names the chain to try, in order. In Switchboard's form (Portkey's
 * queries), when none matches, or none of the named targets serves the model, the {@code default} chain is
 * tried, and without one every eligible target in configured order. In Ferro's form the chosen chain is all
 * that is tried (the matched one, else the default, else the first target), and nothing when it does not
 * serve the model.
 */
final class ConditionalStrategy implements RoutingStrategy {
  private final List<Condition> conditions;
  private final List<String> defaults;
  private final Form form;
  private final String firstTarget;

  ConditionalStrategy(List<Condition> conditions, List<String> defaults, Form form, String firstTarget) {
    this.conditions = conditions;
    this.defaults = defaults;
    this.form = form;
    this.firstTarget = firstTarget;
  }

  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    List<String> matched = null;
    for (Condition c : conditions) {
      if (RequestQueries.matches(c.query(), context.request())) {
        matched = c.then();
        break;
      }
    }
    return form == Form.FERRO ? Chains.exclusive(matched, defaults, firstTarget, eligible)
        : Chains.orDefault(matched, defaults, eligible);
  }
}
