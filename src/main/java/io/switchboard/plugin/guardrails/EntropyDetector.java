package io.switchboard.plugin.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * secret-scan's {@code entropy_check}: a long token of letters and digits that looks random (high Shannon
 * entropy per character) is reported as a likely secret, for credentials no known format covers. Words,
 * paths and hex hashes stay below the bar: a token needs letters and digits, 24 characters or more, and
 * more than {@link #MIN_BITS} bits per character.
 */
final class EntropyDetector implements Detector {
  static final int MIN_LENGTH = 24;
  static final double MIN_BITS = 4.0;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+/_\\-]{" + MIN_LENGTH + ",}={0,2}");

  @Override
  public List<Finding> find(String text) {
    List<Finding> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      String token = m.group();
      if (hasLetterAndDigit(token) && bitsPerChar(token) > MIN_BITS) {
        out.add(new Finding("HIGH_ENTROPY", m.start(), m.end(), "high-entropy string"));
      }
    }
    return out;
  }

  static double bitsPerChar(String s) {
    int[] counts = new int[128];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
        n++;
      }
    }
    double bits = 0;
    for (int c : counts) {
      if (c > 0) {
        double p = (double) c / n;
        bits -= p * (Math.log(p) / Math.log(2));
      }
    }
    return bits;
  }

  private static boolean hasLetterAndDigit(String s) {
    boolean letter = false;
    boolean digit = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      letter |= Character.isLetter(c);
      digit |= Character.isDigit(c);
    }
    return letter && digit;
  }
}
