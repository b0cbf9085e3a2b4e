package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.auth.TrustedProxies;
import io.switchboard.config.GatewayConfig.Access;
import io.switchboard.config.GatewayConfig.Limits;
import io.switchboard.config.GatewayConfig.Server;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code server} block, and who may call the gateway (the block's fields, or Ferro's variables). */
record ServerReader(NodeReader r, Map<String, String> env) {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  private static final Pattern ORIGIN = Pattern.compile("^[a-z][a-z0-9+.-]*://[^/?#\\s]+$");
  private static final Pattern HOST_NAME = Pattern.compile("^(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)$");
  private static final Set<String> SERVER_KEYS = Set.of("host", "port", "max_body_bytes", "event_loops", "master_key",
      "cors_origins", "allowed_hosts", "max_connections", "max_header_bytes", "max_headers", "header_timeout",
      "body_timeout", "keep_alive_timeout", "shutdown_timeout", "h2c", "trusted_proxies", "rate_limit_rps",
      "rate_limit_burst");

  /** The {@code server} block, with the reference gateway's top-level {@code max_request_bytes}. */
  Server server(JsonNode node, JsonNode root) {
    Server server = server(node);
    if (root != null && root.hasNonNull("max_request_bytes")) {
      if (node != null && node.hasNonNull("max_body_bytes")) {
        r.problem("max_request_bytes", "is given with server.max_body_bytes (expected: one of them)");
      } else {
        long max = r.integer(root, "max_request_bytes", "", (int) server.maxBodyBytes(), 1024, Integer.MAX_VALUE);
        server = new Server(server.host(), server.port(), max, server.eventLoops(), server.access(),
            server.limits(), server.shutdownTimeout(), server.h2c());
      }
    }
    return server;
  }

  Server server(JsonNode node) {
    int port = 8080;
    String host = null;
    long maxBody = Server.DEFAULT_MAX_BODY_BYTES;
    int eventLoops = Server.DEFAULT_EVENT_LOOPS;
    Limits limits = Limits.DEFAULT;
    Duration shutdown = Server.DEFAULT_SHUTDOWN_TIMEOUT;
    boolean h2c = false;
    boolean given = r.isObject(node, "server");
    JsonNode s = given ? node : JsonNodeFactory.instance.objectNode();
    if (given) {
      r.onlyKeys(node, "server", SERVER_KEYS);
      port = r.integer(node, "port", "server", port, 0, 65535);
      host = r.string(node, "host", "server", false);
      maxBody = r.integer(node, "max_body_bytes", "server", (int) maxBody, 1024, Integer.MAX_VALUE);
      eventLoops = r.integer(node, "event_loops", "server", eventLoops, 1, 1024);
      limits = new Limits(
          r.integer(node, "max_connections", "server", limits.maxConnections(), 1, 1_000_000),
          r.integer(node, "max_header_bytes", "server", limits.maxHeaderBytes(), 1024, 1024 * 1024),
          r.integer(node, "max_headers", "server", limits.maxHeaders(), 8, 10_000),
          r.duration(node, "header_timeout", "server", limits.headerTimeout()),
          r.duration(node, "body_timeout", "server", limits.bodyTimeout()),
          r.duration(node, "keep_alive_timeout", "server", limits.keepAliveTimeout()), 0, Limits.DEFAULT_CLIENT_BURST);
      shutdown = r.duration(node, "shutdown_timeout", "server", shutdown);
      h2c = r.bool(node, "h2c", "server", false);
    }
    limits = clientRate(s, limits);
    Access access = access(s);
    if (host == null) {
      // Nobody off this host without a key: an open relay spends the provider keys.
      host = access.authenticates() || access.allowUnauthenticated() ? "0.0.0.0" : "127.0.0.1";
    }
    return new Server(host, port, maxBody, eventLoops, access, limits, shutdown, h2c);
  }

  /**
   * The per-address limiter: {@code server.rate_limit_rps} / {@code _burst}, else Ferro's {@code RATE_LIMIT_RPS} /
   * {@code RATE_LIMIT_BURST}. Off unless set (Ferro's is on at 20 per second: all of an application server's
   * traffic comes from one address, and here clients are authenticated and their connections bounded instead).
   */
  private Limits clientRate(JsonNode node, Limits limits) {
    double rps = 0;
    int burst = Limits.DEFAULT_CLIENT_BURST;
    if (node.has("rate_limit_rps") || node.has("rate_limit_burst")) {
      rps = r.number(node, "rate_limit_rps", "server", 0.0, 0.0);
      burst = r.integer(node, "rate_limit_burst", "server", burst, 1, 1_000_000);
    } else {
      rps = environmentNumber("RATE_LIMIT_RPS", 0, "requests per second; 0 turns it off");
      burst = (int) environmentNumber("RATE_LIMIT_BURST", burst, "the requests a client may send at once");
      if (burst < 1) {
        r.problem("RATE_LIMIT_BURST", "must be at least 1");
        burst = Limits.DEFAULT_CLIENT_BURST;
      }
    }
    return new Limits(limits.maxConnections(), limits.maxHeaderBytes(), limits.maxHeaders(), limits.headerTimeout(),
        limits.bodyTimeout(), limits.keepAliveTimeout(), rps, burst);
  }

  private double environmentNumber(String name, double fallback, String meaning) {
    double max = 1_000_000;
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(raw.strip());
      if (value >= 0 && value <= max && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    r.problem(name, "is not a number from 0 to " + (long) max + " (expected: " + meaning + ")");
    return fallback;
  }

  /** {@code MASTER_KEY}, {@code CORS_ORIGINS}, {@code ALLOW_UNAUTHENTICATED_PROXY}, {@code GATEWAY_ENV}: Ferro's names. */
  Access access(JsonNode node) {
    String key = r.string(node, "master_key", "server", false);
    String keyAt = "server.master_key";
    if (key == null && env.get("MASTER_KEY") != null) {
      key = env.get("MASTER_KEY");
      keyAt = "MASTER_KEY";
    }
    boolean production = "production".equalsIgnoreCase(env.getOrDefault("GATEWAY_ENV", "").trim());
    String allow = env.getOrDefault("ALLOW_UNAUTHENTICATED_PROXY", "").trim();
    boolean unauthenticated = allow.equalsIgnoreCase("true") || allow.equals("1");
    Secret masterKey = null;
    if (key != null) {
      String trimmed = key.strip();
      if (trimmed.isEmpty()) {
        r.problem(keyAt, "is empty (expected: a key of at least 16 characters, or leave it unset)");
      } else if (!trimmed.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        r.problem(keyAt, "contains a space or a control or non-ASCII character (expected: printable ASCII)");
      } else if (trimmed.length() < 16 && production) {
        r.problem(keyAt, "is shorter than 16 characters, which GATEWAY_ENV=production refuses");
      } else {
        if (trimmed.length() < 16) {
          LOG.warn("{} is shorter than 16 characters: guessable; use a long random key", keyAt);
        }
        masterKey = new Secret(trimmed);
      }
    }
    if (unauthenticated && production) {
      r.problem("ALLOW_UNAUTHENTICATED_PROXY", "true is refused when GATEWAY_ENV=production (expected: a "
          + "MASTER_KEY)");
    }
    List<String> origins = node.has("cors_origins") ? r.stringList(node, "cors_origins", "server")
        : commaList(env.get("CORS_ORIGINS"));
    String originsAt = node.has("cors_origins") ? "server.cors_origins" : "CORS_ORIGINS";
    for (String origin : origins) {
      if (origin.equals("*")) {
        if (production) {
          r.problem(originsAt, "\"*\" is refused when GATEWAY_ENV=production: origins are matched literally, "
              + "so it allows no browser origin (expected: each origin, such as https://app.example.com)");
        } else {
          LOG.warn("{}: \"*\" is matched literally and allows no browser origin; list each origin", originsAt);
        }
      } else if (!origin.equals("null") && !ORIGIN.matcher(origin).matches()) {
        r.problem(originsAt, "an entry is not an origin (expected: scheme://host[:port], no path)");
      }
    }
    List<String> hosts = node.has("allowed_hosts") ? r.stringList(node, "allowed_hosts", "server") : List.of();
    for (String h : hosts) {
      if (!HOST_NAME.matcher(h).matches()) {
        r.problem("server.allowed_hosts", "an entry is not a host name (expected: a name or address, no port)");
      }
    }
    List<String> proxies = node.has("trusted_proxies") ? r.stringList(node, "trusted_proxies", "server")
        : env.get("TRUSTED_PROXIES") != null ? commaList(env.get("TRUSTED_PROXIES")) : TrustedProxies.DEFAULT;
    try {
      TrustedProxies.of(proxies);
    } catch (IllegalArgumentException e) {
      r.problem(node.has("trusted_proxies") ? "server.trusted_proxies" : "TRUSTED_PROXIES", e.getMessage()
          + " (expected: addresses or CIDR ranges, such as 10.0.0.0/8)");
      proxies = TrustedProxies.DEFAULT;
    }
    return new Access(masterKey, unauthenticated, production, origins,
        hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), proxies);
  }

  private static List<String> commaList(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
  }
}
