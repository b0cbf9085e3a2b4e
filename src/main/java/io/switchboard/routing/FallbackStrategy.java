package io.switchboard.routing;

import java.util.List;

/** Targets in the order configured; the next one is tried when one fails. */
final class FallbackStrategy implements RoutingStrategy {
  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    return eligible;
  }
}
