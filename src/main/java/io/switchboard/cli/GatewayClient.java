package io.switchboard.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * HTTP to a running gateway for {@code status} and {@code plugins}: its address from {@code --gateway-url},
 * else {@code FERROGW_URL} (Ferro's variable), else {@code http://localhost:8080}; its key from
 * {@code --api-key}, else {@code FERROGW_API_KEY}, else {@code MASTER_KEY}. The key is sent, never printed.
 */
final class GatewayClient {
  static final String DEFAULT_URL = "http://localhost:8080";
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** One answer: status, body, and how long it took. */
  record Answer(int status, String body, long millis) {}

  private final String baseUrl;
  private final String apiKey;
  private final HttpClient http;

  private GatewayClient(String baseUrl, String apiKey) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  static GatewayClient of(Args args, Io io) {
    String url = args.value("--gateway-url");
    if (url == null) {
      url = io.variable("FERROGW_URL");
    }
    if (url == null) {
      url = DEFAULT_URL;
    }
    url = url.strip().replaceAll("/+$", "");
    try {
      URI uri = new URI(url);
      if (uri.getRawUserInfo() != null) {
        // Not echoed: the user info may be a password.
        throw new Args.UsageException("the gateway URL must not hold user info (expected: http://host:port, and "
            + "the key in --api-key or FERROGW_API_KEY)");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new URISyntaxException(url, "not an http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw new Args.UsageException("gateway URL \"" + url + "\" is not an http or https URL (expected: "
          + "http://host:port)");
    }
    String key = args.value("--api-key");
    if (key == null) {
      key = io.variable("FERROGW_API_KEY");
    }
    if (key == null) {
      key = io.variable("MASTER_KEY");
    }
    return new GatewayClient(url, key == null ? null : key.strip());
  }

  String baseUrl() {
    return baseUrl;
  }

  /** GET {@code path}; an {@link IOException} whose message says why the gateway could not be reached. */
  Answer get(String path) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET()
        .header("accept", "application/json");
    if (apiKey != null) {
      request.header("authorization", "Bearer " + apiKey);
    }
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), (System.nanoTime() - start) / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      throw new IOException(reason(e), e);
    }
  }

  /** A short reason for a failed connection, without the stack of causes. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof HttpTimeoutException || t instanceof java.net.SocketTimeoutException) {
        return "timed out";
      }
      if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return "TLS handshake failed";
      }
    }
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }
}
