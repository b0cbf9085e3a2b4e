package io.switchboard.routing;

import io.switchboard.api.ApiException;
import io.switchboard.config.StrategyConfig.Unpriced;
import io.switchboard.pricing.ModelPrice;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.pricing.TokenEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * Cheapest first, by the estimated cost of this request ({@link TokenEstimate}) at each target's price for
 * the model it would be sent. A target whose context window is known to be too small for the estimated
 * input goes after the priced ones; targets without a price go where {@code unpriced} says. Ties keep
 * configured order.
 */
final class CostOptimizedStrategy implements RoutingStrategy {
  private final PriceCatalog prices;
  private final long expectedOutputTokens;
  private final Unpriced unpriced;

  CostOptimizedStrategy(PriceCatalog prices, long expectedOutputTokens, Unpriced unpriced) {
    this.prices = prices;
    this.expectedOutputTokens = expectedOutputTokens;
    this.unpriced = unpriced;
  }

  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    int n = eligible.size();
    if (n <= 1 && unpriced != Unpriced.EXCLUDE) {
      return eligible;
    }
    long in = TokenEstimate.inputTokens(context.request().body());
    long out = TokenEstimate.outputTokens(context.request().body(), expectedOutputTokens);
    double[] rank = new double[n];
    Integer[] index = new Integer[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      ModelPrice price = prices.lookup(eligible.get(i).upstreamModel()).orElse(null);
      if (price == null) {
        if (unpriced == Unpriced.EXCLUDE) {
          continue;
        }
        rank[i] = unpriced == Unpriced.FIRST ? Double.NEGATIVE_INFINITY : Double.MAX_VALUE;
      } else if (price.maxInputTokens() > 0 && in > price.maxInputTokens()) {
        rank[i] = Double.MAX_VALUE / 2;  // too small a window: kept as a last resort before the unpriced
      } else {
        rank[i] = price.cost(in, out);
      }
      index[kept++] = i;
    }
    Integer[] order = java.util.Arrays.copyOf(index, kept);
    java.util.Arrays.sort(order, (a, b) -> Double.compare(rank[a], rank[b]));
    List<Candidate> result = new ArrayList<>(kept);
    for (Integer i : order) {
      result.add(eligible.get(i));
    }
    return result;
  }

  /** Only unpriced_strategy: exclude leaves nothing, when no target serving the model has a price. */
  @Override
  public ApiException nothingRoutable(String requestedModel) {
    return new ApiException(400, "invalid_request_error", "no_routable_target", "model",
        "No configured target for the model `" + requestedModel + "` is allowed by the routing strategy.");
  }
}
