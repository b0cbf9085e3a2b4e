package io.switchboard.plugin.guardrails;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Blocked words or phrases, matched literally (never as regex), optionally only as whole words. */
public final class WordFilter implements Detector {
  private final Pattern pattern;

  public WordFilter(List<String> words, boolean caseSensitive, boolean wholeWords) {
    requireNonNull(words, "words");
    List<String> sorted = new ArrayList<>();
    for (String w : words) {
      requireNonNull(w, "word");
      if (w.isBlank()) {
        throw new IllegalArgumentException("word: \"" + w + "\" (expected: not blank)");
      }
      sorted.add(w);
    }
    // Longest first so "bad word" wins over "bad" at the same position.
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    if (sorted.isEmpty()) {
      pattern = null;
      return;
    }
    StringBuilder alt = new StringBuilder();
    for (String w : sorted) {
      alt.append(alt.isEmpty() ? "" : "|").append(Pattern.quote(w));
    }
    String body = "(?:" + alt + ")";
    if (wholeWords) {
      body = "(?<![\\p{L}\\p{N}_])" + body + "(?![\\p{L}\\p{N}_])";
    }
    pattern = Pattern.compile(body, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  @Override
  public List<Finding> find(String text) {
    if (pattern == null) {
      return List.of();
    }
    List<Finding> out = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      out.add(new Finding("WORD", m.start(), m.end(), m.group()));
    }
    return out;
  }
}
