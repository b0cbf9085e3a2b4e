package io.switchboard.plugin.guardrails;

import static java.util.Objects.requireNonNull;

/** One detected span {@code [start, end)} of the scanned text; {@code kind} becomes the redaction tag. */
public record Finding(String kind, int start, int end, String label) {
  public Finding {
    requireNonNull(kind, "kind");
    requireNonNull(label, "label");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("span: [" + start + ", " + end + ") (expected: 0 <= start < end)");
    }
  }
}
