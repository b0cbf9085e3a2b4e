package io.switchboard.plugin.logging;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A DSN as it may appear in messages: its password, in either form, replaced by {@code ***}. */
final class Dsns {
  private static final Pattern URL_PASSWORD = Pattern.compile("^([a-z][a-z0-9+.-]*://[^:@/]*):([^@/]*)@",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)(password=)([^&;\\s]*)");

  private Dsns() {}

  static String redact(String dsn) {
    String out = URL_PASSWORD.matcher(dsn).replaceFirst("$1:***@");
    return PARAM_PASSWORD.matcher(out).replaceAll("$1***");
  }

  /** {@code message} with the DSN's password (raw or decoded) taken out, wherever it appears. */
  static String scrub(String dsn, String message) {
    if (message == null) {
      return "";
    }
    String out = message;
    for (String password : passwords(dsn)) {
      if (!password.isEmpty()) {
        out = out.replace(password, "***");
      }
    }
    return redact(out);
  }

  private static String[] passwords(String dsn) {
    String raw = null;
    Matcher url = URL_PASSWORD.matcher(dsn);
    if (url.find()) {
      raw = url.group(2);
    } else {
      Matcher param = PARAM_PASSWORD.matcher(dsn);
      if (param.find()) {
        raw = param.group(2);
      }
    }
    if (raw == null) {
      return new String[0];
    }
    String decoded;
    try {
      decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = raw;
    }
    return new String[] {raw, decoded};
  }
}
