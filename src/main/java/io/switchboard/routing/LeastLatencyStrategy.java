package io.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Fastest first, by the windowed latency estimate for (target, model sent). Targets never seen (or whose
 * samples all expired) come first, in configured order, so every target gets measured. With probability
 * {@code exploration} a random other measured target jumps ahead of the fastest, so estimates stay fresh.
 */
final class LeastLatencyStrategy implements RoutingStrategy {
  private final double exploration;

  LeastLatencyStrategy(double exploration) {
    this.exploration = exploration;
  }

  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    int n = eligible.size();
    if (n <= 1) {
      return eligible;
    }
    double[] latency = new double[n];
    Integer[] index = new Integer[n];
    int unseen = 0;
    for (int i = 0; i < n; i++) {
      Candidate c = eligible.get(i);
      OptionalDouble estimate = context.stats().latencyMillis(c.target(), c.upstreamModel());
      latency[i] = estimate.isPresent() ? estimate.getAsDouble() : Double.NEGATIVE_INFINITY;
      unseen += estimate.isPresent() ? 0 : 1;
      index[i] = i;
    }
    // Stable: ties (and the unseen, all at -inf) keep configured order.
    java.util.Arrays.sort(index, (a, b) -> Double.compare(latency[a], latency[b]));
    List<Candidate> out = new ArrayList<>(n);
    for (Integer i : index) {
      out.add(eligible.get(i));
    }
    int measured = n - unseen;
    if (unseen == 0 && measured >= 2 && exploration > 0 && context.random().nextDouble() < exploration) {
      out.addFirst(out.remove(1 + context.random().nextInt(measured - 1)));
    }
    return out;
  }
}
