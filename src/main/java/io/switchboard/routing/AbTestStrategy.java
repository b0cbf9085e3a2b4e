package io.switchboard.routing;

import io.switchboard.config.StrategyConfig.Form;
import io.switchboard.config.StrategyConfig.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * An A/B test: each request draws a variant by weight among those with a target serving the model, and
 * tries that variant's targets, each marked with the variant's label (returned in the
 * {@code x-switchboard-variant} header). In Switchboard's form failures stay inside the variant, so the arms
 * never mix, and when no variant serves the model every eligible target is tried in configured order,
 * unlabelled. In Ferro's form (a pool mode) the other eligible targets follow the variant's, unlabelled, in
 * configured order, and when no variant with a weight serves the model nothing is tried.
 */
final class AbTestStrategy implements RoutingStrategy {
  private final List<Variant> variants;
  private final Form form;

  AbTestStrategy(List<Variant> variants, Form form) {
    this.variants = variants;
    this.form = form;
  }

  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    List<List<Candidate>> chains = new ArrayList<>(variants.size());
    double total = 0;
    for (Variant v : variants) {
      List<Candidate> chain = Chains.select(v.targets(), eligible);
      chains.add(chain);
      total += chain.isEmpty() ? 0 : v.weight();
    }
    if (total <= 0) {
      return form == Form.FERRO ? List.of() : eligible;
    }
    double pick = context.random().nextDouble(total);
    int chosen = -1;
    for (int i = 0; i < variants.size(); i++) {
      if (chains.get(i).isEmpty() || variants.get(i).weight() <= 0) {
        continue;
      }
      chosen = i;  // the last one with a weight, should rounding leave pick just short of 0
      pick -= variants.get(i).weight();
      if (pick < 0) {
        break;
      }
    }
    String label = variants.get(chosen).label();
    List<Candidate> picked = chains.get(chosen);
    List<Candidate> out = new ArrayList<>(eligible.size());
    picked.forEach(c -> out.add(c.withVariant(label)));
    if (form == Form.FERRO) {
      eligible.stream().filter(c -> !picked.contains(c)).forEach(out::add);
    }
    return out;
  }
}
