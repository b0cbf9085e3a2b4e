package io.switchboard.plugin.logging;

import io.switchboard.plugin.guardrails.Redactor;
import io.switchboard.plugin.guardrails.SecretScanner;
import java.nio.charset.StandardCharsets;

/**
 * Makes a body fit for a log row: credentials replaced by {@code [REDACTED:<KIND>]} first (so a cut can't
 * leave half a key that no longer looks like one), then cut to at most {@code maxBytes} UTF-8 bytes, marker
 * included.
 */
final class Bodies {
  static final String TRUNCATED = "...[TRUNCATED]";
  private static final SecretScanner SECRETS = new SecretScanner();

  private final int maxBytes;

  Bodies(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  String keep(String text) {
    if (text == null) {
      return null;
    }
    return truncate(Redactor.redact(text, SECRETS.find(text)), maxBytes);
  }

  static String truncate(String text, int maxBytes) {
    if (text.length() * 3L <= maxBytes) {
      return text;  // even all three-byte characters would fit
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return text;
    }
    int cut = maxBytes - TRUNCATED.length();
    while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
      cut--;  // don't split a multi-byte character
    }
    return new String(bytes, 0, cut, StandardCharsets.UTF_8) + TRUNCATED;
  }
}
