package io.switchboard.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * External services some tests need. When one is not reachable the test is skipped with a visible reason,
 * unless {@code SWITCHBOARD_REQUIRE_SERVICES=1}, as in CI, where it fails instead.
 */
public final class Services {
  public static final String REDIS_HOST = "127.0.0.1";
  public static final int REDIS_PORT = 6379;
  public static final String POSTGRES_HOST = "127.0.0.1";
  public static final int POSTGRES_PORT = 5432;

  private Services() {}

  /** Skips (or fails) the calling test unless Redis answers on 127.0.0.1:6379; returns its URL. */
  public static String requireRedis() {
    require("Redis", REDIS_HOST, REDIS_PORT);
    return "redis://" + REDIS_HOST + ":" + REDIS_PORT;
  }

  /**
   * Skips (or fails) the calling test unless PostgreSQL answers on 127.0.0.1:5432; returns the DSN of its
   * {@code test} database (user postgres, trust auth).
   */
  public static String requirePostgres() {
    require("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT);
    return "postgres://postgres@" + POSTGRES_HOST + ":" + POSTGRES_PORT + "/test";
  }

  static void require(String name, String host, int port) {
    String problem = null;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
    } catch (IOException e) {
      problem = name + " is not reachable at " + host + ":" + port + " (" + e.getMessage() + ")";
    }
    if (problem == null) {
      return;
    }
    if ("1".equals(System.getenv("SWITCHBOARD_REQUIRE_SERVICES"))) {
      throw new AssertionError(problem + "; SWITCHBOARD_REQUIRE_SERVICES=1 makes this a failure");
    }
    System.err.println("SKIPPED: " + problem + " (set SWITCHBOARD_REQUIRE_SERVICES=1 to fail instead)");
    Assumptions.abort(problem);
  }
}
