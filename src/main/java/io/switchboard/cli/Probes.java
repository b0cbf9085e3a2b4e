package io.switchboard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Short network checks for {@code doctor}. Reachable means the other end answered at all: any HTTP status, any
 * Redis reply (an authentication error included). Addresses are shown without user info or query, where a
 * password or token could sit.
 */
final class Probes {
  /** The outcome of one probe: whether it answered, and a short text saying what happened. */
  record Result(boolean reachable, String detail) {}

  private Probes() {}

  /**
   * A GET of {@code url}, without credentials; {@code trust}, when not null, replaces the JDK's CAs (a
   * provider's {@code tls.ca_file}).
   */
  static CompletableFuture<Result> http(String url, Duration timeout, TrustManagerFactory trust) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    try {
      if (trust != null) {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        builder.sslContext(tls);
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
      long start = System.nanoTime();
      HttpClient client = builder.build();
      return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .handle((response, failure) -> {
            if (failure != null) {
              return new Result(false, GatewayClient.reason(failure));
            }
            return new Result(true, "HTTP " + response.statusCode() + " in " + (System.nanoTime() - start) / 1_000_000
                + " ms");
          });
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Result(false, "cannot probe: " + e.getMessage()));
    }
  }

  /** A TCP connection to the URL's host and port, closed at once. */
  static Result tcp(String url, Duration timeout) {
    URI uri = URI.create(url);
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
      return new Result(true, "TCP connection accepted");
    } catch (IOException | IllegalArgumentException e) {
      return new Result(false, GatewayClient.reason(e));
    }
  }

  /**
   * A Redis server at {@code url}: {@code PING} on a plain connection, any reply counting; a {@code rediss}
   * (TLS) server is only connected to; a {@code unix} socket must exist.
   */
  static Result redis(String url, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return new Result(false, "not a URL");
    }
    if ("unix".equals(uri.getScheme())) {
      return java.nio.file.Files.exists(java.nio.file.Path.of(uri.getPath()))
          ? new Result(true, "socket exists") : new Result(false, "no such socket");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 6379;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
      if ("rediss".equals(uri.getScheme())) {
        return new Result(true, "TCP connection accepted (TLS not checked)");
      }
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      if (first == '+' || first == '-') {
        return new Result(true, first == '+' ? "answered PING" : "answered (it asks for authentication)");
      }
      return new Result(false, first < 0 ? "closed the connection without a reply" : "answered, but not as Redis");
    } catch (IOException | IllegalArgumentException e) {
      return new Result(false, GatewayClient.reason(e));
    }
  }

  /** {@code scheme://host:port/path}: no user info, query or fragment. */
  static String display(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        return uri.getScheme() + "://" + (uri.getPath() == null ? "" : uri.getPath());
      }
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
          + (uri.getRawPath() == null ? "" : uri.getRawPath());
    } catch (IllegalArgumentException e) {
      return "(an address that is not a URL)";
    }
  }
}
