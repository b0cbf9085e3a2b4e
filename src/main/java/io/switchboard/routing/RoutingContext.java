package io.switchboard.routing;

import java.util.random.RandomGenerator;

/** Everything a strategy may consult besides the candidates: the request, the observed state, randomness. */
public record RoutingContext(RequestFacts request, TargetStats stats, RandomGenerator random) {}
