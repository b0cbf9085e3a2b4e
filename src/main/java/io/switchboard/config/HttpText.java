package io.switchboard.config;

import io.switchboard.api.Texts;
import java.util.regex.Pattern;

/**
 * What config text may go into an HTTP header or URL (header names and values, credentials, base URLs). Checked
 * at load time: a value with a line break passes no request (Vert.x refuses it, and its message quotes the
 * value), so it must fail {@code switchboard validate}, naming the field and never showing the value.
 */
final class HttpText {
  /** RFC 9110 token characters. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private HttpText() {}

  /** Why {@code value} cannot be sent in a header, or null. */
  static String valueProblem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && Character.isISOControl(c)) {
        return "contains a control character (" + codePoint(c) + ") (expected: printable characters)";
      }
      if (c > 0xFF) {
        // Netty writes a header as ISO-8859-1: anything beyond goes out as '?'.
        return "contains a character that cannot be sent in a header (" + codePoint(value.codePointAt(i))
            + ") (expected: ASCII or ISO-8859-1 characters)";
      }
    }
    return null;
  }

  /** Why {@code name} cannot be a header name, or null. */
  static String nameProblem(String name) {
    return TOKEN.matcher(name).matches() ? null
        : "\"" + printable(name) + "\" is not a header name (expected: letters, digits and !#$%&'*+-.^_`|~)";
  }

  /** Why {@code url} cannot be a base URL for the control characters in it, or null. */
  static String urlProblem(String url) {
    int control = Texts.firstControl(url);
    return control < 0 ? null
        : "contains a control character (" + codePoint(url.charAt(control)) + ") (expected: printable characters)";
  }

  private static String codePoint(int c) {
    return String.format("U+%04X", c);
  }

  /** Control characters as U+XXXX, so that a problem message stays on one line. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.append(Character.isISOControl(c) ? codePoint(c) : Character.toString(c)));
    return out.toString();
  }
}
