package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.UnsupportedParamPolicy;
import java.util.Locale;
import java.util.Set;

/** {@code compatibility}: what to do with a request parameter the chosen provider does not support. */
record CompatibilityReader(NodeReader r) {
  private static final Set<String> COMPATIBILITY_KEYS = Set.of("on_unsupported_param");

  UnsupportedParamPolicy read(JsonNode node) {
    if (!r.isObject(node, "compatibility")) {
      return UnsupportedParamPolicy.WARN;
    }
    r.onlyKeys(node, "compatibility", COMPATIBILITY_KEYS);
    String value = r.string(node, "on_unsupported_param", "compatibility", false);
    if (value == null) {
      return UnsupportedParamPolicy.WARN;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "warn" -> UnsupportedParamPolicy.WARN;
      case "drop" -> UnsupportedParamPolicy.DROP;
      case "reject" -> UnsupportedParamPolicy.REJECT;
      default -> {
        r.problem("compatibility.on_unsupported_param", "\"" + value
            + "\" is not a policy (expected: warn, drop, reject)");
        yield UnsupportedParamPolicy.WARN;
      }
    };
  }
}
