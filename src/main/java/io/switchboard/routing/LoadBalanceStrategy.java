package io.switchboard.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Weighted random: the first target is drawn by weight, and the rest follow in a weighted random order
 * so a failure still falls over to a healthy target. Weight-0 targets come last, as standbys.
 */
final class LoadBalanceStrategy implements RoutingStrategy {
  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    if (eligible.size() <= 1) {
      return eligible;
    }
    List<Candidate> pool = new ArrayList<>(eligible);
    List<Candidate> out = new ArrayList<>(eligible.size());
    while (!pool.isEmpty()) {
      double total = 0;
      for (Candidate c : pool) {
        total += c.target().weight();
      }
      if (total <= 0) {
        out.addAll(pool);  // standbys, in configured order
        break;
      }
      double pick = context.random().nextDouble(total);
      int chosen = -1;
      for (int i = 0; i < pool.size(); i++) {
        if (pool.get(i).target().weight() <= 0) {
          continue;
        }
        chosen = i;  // the last weighted one, should rounding leave pick just short of 0
        pick -= pool.get(i).target().weight();
        if (pick < 0) {
          break;
        }
      }
      out.add(pool.remove(chosen));
    }
    return out;
  }
}
