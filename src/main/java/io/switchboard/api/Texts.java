package io.switchboard.api;

import java.nio.charset.StandardCharsets;

/** Checks and cuts for strings a client chose, before they reach a header, a message or a log line. */
public final class Texts {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Texts() {}

  /** The index of the first C0 or C1 control character or DEL in {@code s} ({@link Character#isISOControl}), or -1. */
  public static int firstControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** {@code s} with each control character replaced by a space, for a message that quotes it. */
  public static String printable(String s) {
    if (firstControl(s) < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString();
  }

  /** {@code s} cut to at most {@code max} characters, marked when cut, never splitting a surrogate pair. */
  public static String excerpt(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end) + "... (" + s.length() + " characters)";
  }

  /** Whether {@code s} is visible ASCII and spaces only, as a header value may be written as it is. */
  public static boolean isHeaderSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} as a header value: as it is when safe, else its unsafe UTF-8 bytes percent-encoded. */
  public static String headerValue(String s) {
    if (isHeaderSafe(s)) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
