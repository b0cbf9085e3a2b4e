package io.switchboard.plugin.guardrails;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Block patterns with allow-list exceptions: a block match lying inside an allow match is ignored. */
public final class RegexGuard implements Detector {
  private final List<Pattern> block;
  private final List<Pattern> allow;

  public RegexGuard(List<Pattern> block, List<Pattern> allow) {
    this.block = List.copyOf(requireNonNull(block, "block"));
    this.allow = allow == null ? List.of() : List.copyOf(allow);
  }

  public RegexGuard(List<Pattern> block) {
    this(block, List.of());
  }

  @Override
  public List<Finding> find(String text) {
    List<int[]> allowed = new ArrayList<>();
    for (Pattern p : allow) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        if (m.end() > m.start()) {
          allowed.add(new int[] {m.start(), m.end()});
        }
      }
    }
    List<Finding> out = new ArrayList<>();
    for (Pattern p : block) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        if (m.end() > m.start() && !inside(allowed, m.start(), m.end())) {
          out.add(new Finding("REGEX", m.start(), m.end(), p.pattern()));
        }
      }
    }
    out.sort(java.util.Comparator.comparingInt(Finding::start));
    return out;
  }

  public boolean blocks(String text) {
    return !find(text).isEmpty();
  }

  private static boolean inside(List<int[]> spans, int start, int end) {
    for (int[] s : spans) {
      if (s[0] <= start && end <= s[1]) {
        return true;
      }
    }
    return false;
  }
}
