package io.switchboard.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A PostgreSQL DSN turned into what pgjdbc wants. Accepts {@code jdbc:postgresql:...} as is, and the libpq
 * style {@code postgres://user:password@host:port/db?param=value} (or {@code postgresql://}), whose user
 * and password move into properties so they never sit in a URL that might be logged.
 */
record PostgresDsn(String jdbcUrl, Properties properties) {

  static PostgresDsn parse(String dsn) {
    if (dsn == null || dsn.isBlank()) {
      throw new IllegalArgumentException("dsn: (empty) (expected: postgres://user@host:port/db or jdbc:postgresql:...)");
    }
    Properties properties = new Properties();
    if (dsn.startsWith("jdbc:postgresql:")) {
      return new PostgresDsn(dsn, properties);
    }
    URI uri;
    try {
      uri = new URI(dsn);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("dsn: not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
      // Don't echo the DSN: it may hold a password.
      throw new IllegalArgumentException("dsn: scheme " + scheme
          + " (expected: postgres://, postgresql:// or jdbc:postgresql:)");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("dsn: no host (expected: postgres://user@host:port/db)");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      properties.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        properties.setProperty("password", decode(userInfo.substring(colon + 1)));
      }
    }
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
    if (uri.getPort() >= 0) {
      url.append(':').append(uri.getPort());
    }
    String path = uri.getRawPath();
    url.append(path == null || path.isEmpty() ? "/" : path);
    if (uri.getRawQuery() != null) {
      url.append('?').append(uri.getRawQuery());
    }
    return new PostgresDsn(url.toString(), properties);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "PostgresDsn[" + jdbcUrl.replaceAll("password=[^&]*", "password=***") + "]";
  }
}
