package io.switchboard.routing;

import io.switchboard.config.StrategyConfig.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * An A/B test: each request draws a variant by weight among those with a target serving the model, and
 * tries that variant's targets in order, each marked with the variant's label (returned in the
 * {@code x-switchboard-variant} header). Failures stay inside the variant, so the arms never mix. When no
 * variant serves the model, every eligible target is tried in configured order, unlabelled.
 */
final class AbTestStrategy implements RoutingStrategy {
  private final List<Variant> variants;

  AbTestStrategy(List<Variant> variants) {
    this.variants = variants;
  }

  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    List<List<Candidate>> chains = new ArrayList<>(variants.size());
    long total = 0;
    for (Variant v : variants) {
      List<Candidate> chain = Chains.select(v.targets(), eligible);
      chains.add(chain);
      total += chain.isEmpty() ? 0 : v.weight();
    }
    if (total == 0) {
      return eligible;
    }
    long pick = context.random().nextLong(total);
    for (int i = 0; i < variants.size(); i++) {
      if (chains.get(i).isEmpty()) {
        continue;
      }
      pick -= variants.get(i).weight();
      if (pick < 0) {
        String label = variants.get(i).label();
        List<Candidate> out = new ArrayList<>(chains.get(i).size());
        chains.get(i).forEach(c -> out.add(c.withVariant(label)));
        return out;
      }
    }
    throw new AssertionError("unreachable");
  }
}
