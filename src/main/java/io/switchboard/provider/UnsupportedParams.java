package io.switchboard.provider;

import io.switchboard.api.ApiException;
import io.switchboard.api.UnsupportedParamPolicy;
import java.util.List;

/**
 * Applies {@code compatibility.on_unsupported_param} to one request parameter a provider has no equivalent
 * for: warn (drop it and add a warning to {@code warnings}, which the adapter logs), drop silently, or
 * reject with a 400 naming the parameter and the provider.
 */
public record UnsupportedParams(UnsupportedParamPolicy policy, String provider, List<String> warnings) {
  public void handle(String param) {
    switch (policy) {
      case WARN -> warnings.add("Parameter '" + param + "' is not supported by " + provider + " and was dropped.");
      case DROP -> {}
      case REJECT -> throw new ApiException(400, "invalid_request_error", "unsupported_parameter", param,
          "Parameter '" + param + "' is not supported by provider " + provider + ".");
    }
  }
}
