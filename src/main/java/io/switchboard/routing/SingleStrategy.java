package io.switchboard.routing;

import java.util.List;

/** The first eligible target only; its own retries still apply, but nothing fails over. */
final class SingleStrategy implements RoutingStrategy {
  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    return eligible.isEmpty() ? eligible : List.of(eligible.getFirst());
  }
}
