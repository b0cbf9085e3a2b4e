package io.switchboard.plugin.guardrails;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Replaces findings with {@code [REDACTED:<KIND>]} (or a fixed placeholder); overlapping or touching spans become one tag. */
public final class Redactor {
  private Redactor() {}

  public static String redact(String text, List<Finding> findings) {
    return redact(text, findings, null);
  }

  /** As {@link #redact(String, List)}, each span replaced with {@code placeholder} instead when it is not null. */
  public static String redact(String text, List<Finding> findings, String placeholder) {
    requireNonNull(text, "text");
    requireNonNull(findings, "findings");
    if (findings.isEmpty()) {
      return text;
    }
    for (Finding f : findings) {
      if (f.end() > text.length()) {
        throw new IllegalArgumentException("finding end: " + f.end() + " (expected: <= " + text.length() + ")");
      }
    }
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparingInt(Finding::start).thenComparing(Comparator.comparingInt(Finding::end).reversed()));
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    int i = 0;
    while (i < sorted.size()) {
      Finding first = sorted.get(i);
      int end = first.end();
      // The widest finding starting first names the merged span.
      for (i++; i < sorted.size() && sorted.get(i).start() <= end; i++) {
        end = Math.max(end, sorted.get(i).end());
      }
      out.append(text, copied, first.start());
      if (placeholder != null) {
        out.append(placeholder);
      } else {
        out.append("[REDACTED:").append(first.kind().toUpperCase(Locale.ROOT)).append(']');
      }
      copied = end;
    }
    return out.append(text, copied, text.length()).toString();
  }
}
