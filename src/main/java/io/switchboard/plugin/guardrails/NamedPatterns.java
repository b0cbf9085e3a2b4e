package io.switchboard.plugin.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configured regular expressions, each with the kind its findings carry (the redaction tag) and a
 * description for messages; other detectors may be joined in (pii-redact's built-in kinds).
 */
final class NamedPatterns implements Detector {
  record Named(String kind, String description, Pattern pattern) {}

  private final List<Detector> others;
  private final List<Named> patterns;

  NamedPatterns(List<Detector> others, List<Named> patterns) {
    this.others = List.copyOf(others);
    this.patterns = List.copyOf(patterns);
  }

  @Override
  public List<Finding> find(String text) {
    List<Finding> out = new ArrayList<>();
    for (Detector d : others) {
      out.addAll(d.find(text));
    }
    for (Named n : patterns) {
      Matcher m = n.pattern().matcher(text);
      while (m.find()) {
        if (m.end() > m.start()) {
          out.add(new Finding(n.kind(), m.start(), m.end(), n.description()));
        }
      }
    }
    out.sort(Comparator.comparingInt(Finding::start));
    return out;
  }
}
