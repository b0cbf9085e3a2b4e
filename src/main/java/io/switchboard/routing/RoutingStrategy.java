package io.switchboard.routing;

import java.util.List;

/**
 * Policy: the order in which the eligible candidates are tried. A pure function of its inputs, so each
 * strategy is tested without a server; the mechanism that tries them is {@link RequestExecutor}.
 */
public interface RoutingStrategy {
  List<Candidate> order(List<Candidate> eligible, RoutingContext context);
}
