package io.switchboard.routing;

import io.switchboard.config.StrategyConfig.Condition;
import java.util.List;

/**
 * Portkey-style conditions: the first condition whose query matches names the chain to try, in order.
 * When none matches, or none of the named targets serves the model, the {@code default} chain is tried,
 * and without one every eligible target in configured order.
 */
final class ConditionalStrategy implements RoutingStrategy {
  private final List<Condition> conditions;
  private final List<String> defaults;

  ConditionalStrategy(List<Condition> conditions, List<String> defaults) {
    this.conditions = conditions;
    this.defaults = defaults;
  }

  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    for (Condition c : conditions) {
      if (RequestQueries.matches(c.query(), context.request())) {
        return Chains.orDefault(c.then(), defaults, eligible);
      }
    }
    return Chains.orDefault(null, defaults, eligible);
  }
}
