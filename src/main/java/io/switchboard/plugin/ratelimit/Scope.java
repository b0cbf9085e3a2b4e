package io.switchboard.plugin.ratelimit;

import io.switchboard.plugin.Exchange;
import java.util.Locale;

/** Who shares one bucket of a limit: everyone, each API key, each end user or each model asked for. */
enum Scope {
  GLOBAL,
  KEY,
  USER,
  MODEL;

  /** The bucket's subject for this request, or null when the limit does not apply (no user given). */
  String subject(Exchange exchange) {
    return switch (this) {
      case GLOBAL -> "";
      case KEY -> exchange.keyId();
      case USER -> exchange.user();
      case MODEL -> exchange.model();
    };
  }

  String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Scope of(String value) {
    for (Scope s : values()) {
      if (s.configName().equals(value)) {
        return s;
      }
    }
    return null;
  }
}
