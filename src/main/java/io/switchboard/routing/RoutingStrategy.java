package io.switchboard.routing;

import io.switchboard.api.ApiException;
import java.util.List;

/**
 * Policy: the order in which the eligible candidates are tried. A pure function of its inputs, so each
 * strategy is tested without a server; the mechanism that tries them is {@link RequestExecutor}.
 */
public interface RoutingStrategy {
  List<Candidate> order(List<Candidate> eligible, RoutingContext context);

  /**
   * The answer when {@link #order} leaves nothing to try: by default the model is not found, since the
   * strategy's choice does not serve it.
   */
  default ApiException nothingRoutable(String requestedModel) {
    return ApiException.modelNotFound(requestedModel);
  }
}
