package io.switchboard.provider.anthropic;

import io.switchboard.api.ApiException;
import io.switchboard.api.UnsupportedParamPolicy;
import java.util.List;

/** Applies the {@link UnsupportedParamPolicy} to one request parameter Anthropic has no equivalent for. */
record UnsupportedParams(UnsupportedParamPolicy policy, List<String> warnings) {
  void handle(String param) {
    switch (policy) {
      case WARN -> warnings.add("Parameter '" + param + "' is not supported by anthropic and was dropped.");
      case DROP -> {}
      case REJECT -> throw new ApiException(400, "invalid_request_error", "unsupported_parameter", param,
          "Parameter '" + param + "' is not supported by provider anthropic.");
    }
  }
}
