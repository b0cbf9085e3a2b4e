package io.switchboard.server;

import io.switchboard.config.GatewayConfig.Access;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a request must look like before the gateway reads it: served under an allowed {@code Host} (a web page
 * that rebinds its own name to 127.0.0.1 still sends its name), from an allowed browser origin (a page cannot
 * spend the provider keys with a "simple" cross-origin POST), with a JSON body.
 */
final class EdgePolicy {
  private final Set<String> corsOrigins;
  private final List<String> allowedHosts;
  private final boolean loopbackNamesOnly;

  EdgePolicy(Access access) {
    this.corsOrigins = Set.copyOf(access.corsOrigins());
    this.allowedHosts = access.allowedHosts();
    // Without a key, only this machine may call; its own names are the only ones it can mean.
    this.loopbackNamesOnly = allowedHosts.isEmpty() && !access.authenticates() && !access.allowUnauthenticated();
  }

  /** Whether {@code host} (the request's authority without its port; null when it sent none) is served. */
  boolean hostAllowed(String host) {
    if (host == null) {
      return true;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (!allowedHosts.isEmpty()) {
      return allowedHosts.contains(h) || isLoopbackName(h);
    }
    return !loopbackNamesOnly || isLoopbackName(h);
  }

  /** Whether a browser at {@code origin} may call; origins are compared literally, as Ferro does. */
  boolean originAllowed(String origin) {
    return corsOrigins.contains(origin);
  }

  /** {@code application/json} or a {@code +json} type, parameters ignored. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
        .toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }

  static boolean isLoopbackName(String host) {
    if (host.equals("127.0.0.1") || host.equals("localhost") || host.endsWith(".localhost")) {
      return true;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      return InetAddress.ofLiteral(h).isLoopbackAddress();  // a literal only: never resolve a name a client chose
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether the gateway listening on {@code host} is reachable from this machine only. */
  static boolean isLoopbackBind(String host) {
    return isLoopbackName(host.toLowerCase(Locale.ROOT));
  }
}
