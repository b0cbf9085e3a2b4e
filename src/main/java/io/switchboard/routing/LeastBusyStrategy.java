package io.switchboard.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Fewest requests in flight first. Among the targets tied for fewest, the first is drawn by weight
 * (uniformly when their weights are all 0); the rest follow by in-flight count, ties in configured order.
 */
final class LeastBusyStrategy implements RoutingStrategy {
  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    int n = eligible.size();
    if (n <= 1) {
      return eligible;
    }
    int[] busy = new int[n];
    int least = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      busy[i] = context.stats().inFlight(eligible.get(i).target());
      least = Math.min(least, busy[i]);
    }
    int first = pickAmongLeast(eligible, busy, least, context);
    Integer[] index = new Integer[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    java.util.Arrays.sort(index, (a, b) -> a == first ? -1 : b == first ? 1 : Integer.compare(busy[a], busy[b]));
    List<Candidate> out = new ArrayList<>(n);
    for (Integer i : index) {
      out.add(eligible.get(i));
    }
    return out;
  }

  private static int pickAmongLeast(List<Candidate> eligible, int[] busy, int least, RoutingContext context) {
    double total = 0;
    int ties = 0;
    for (int i = 0; i < busy.length; i++) {
      if (busy[i] == least) {
        total += eligible.get(i).target().weight();
        ties++;
      }
    }
    double pick = total > 0 ? context.random().nextDouble(total) : context.random().nextInt(ties);
    int last = -1;
    for (int i = 0; i < busy.length; i++) {
      double weight = total > 0 ? eligible.get(i).target().weight() : 1;
      if (busy[i] != least || weight <= 0) {
        continue;
      }
      last = i;  // should rounding leave pick just short of 0
      pick -= weight;
      if (pick < 0) {
        return i;
      }
    }
    return last;
  }
}
