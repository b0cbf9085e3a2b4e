package io.switchboard.provider;

import io.switchboard.api.BodyCollector;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.Redaction;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.SseErrorRedaction;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The HTTP mechanics every HTTP provider shares: one POST with a deadline, error statuses turned into
 * {@link UpstreamException}s, and for streams a wait for the first output chunk so that a failure up to
 * that point can still fail over. The provider says only where to send what, and how to read answers.
 */
public final class HttpUpstream {
  // Header names and constant values made once: Vert.x then skips validating and re-encoding them.
  private static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  private static final CharSequence ACCEPT = HttpHeaders.ACCEPT;
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");

  private final Vertx vertx;
  private final HttpClient client;
  private final GatewayConfig.Provider config;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String basePath;
  private final ClientSSLOptions sslOptions;  // null: the client's defaults
  private final List<String> credentials;

  public HttpUpstream(Vertx vertx, HttpClient client, GatewayConfig.Provider config) {
    this(vertx, client, config, config.baseUrl());
  }

  /** For a kind whose API root is built from its options (a region, a project) rather than given. */
  public HttpUpstream(Vertx vertx, HttpClient client, GatewayConfig.Provider config, String baseUrl) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    // The base URL was validated at load time; it is split once here, not parsed on every request.
    URI uri = URI.create(baseUrl);
    this.ssl = "https".equals(uri.getScheme());
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    this.basePath = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.sslOptions = ssl ? UpstreamTls.sslOptions(config.tls()) : null;
    List<String> credentials = new ArrayList<>();
    credentials.add(config.apiKey().value());
    config.options().secrets().forEach(c -> credentials.add(c.value()));
    config.headers().forEach((name, value) -> addCredential(credentials, name, value));
    this.credentials = List.copyOf(credentials);
  }

  private static void addCredential(List<String> out, String header, String value) {
    if (Redaction.isCredentialHeader(header)) {
      out.add(value);
      int space = value.indexOf(' ');
      if (space > 0) {
        out.add(value.substring(space + 1).strip());  // "Bearer <token>": the token on its own too
      }
    }
  }

  /** Headers every call carries: JSON in, the configured extra headers. Auth is the provider's to add. */
  public MultiMap baseHeaders(boolean stream) {
    MultiMap headers = HttpHeaders.headers();
    headers.set(CONTENT_TYPE, JSON);
    headers.set(ACCEPT, stream ? EVENT_STREAM : JSON);
    config.headers().forEach(headers::set);
    return headers;
  }

  /**
   * POSTs {@code body} for {@code request} to {@code path} under the provider's base URL, within the
   * request's attempt timeout (null: the provider's {@code timeout}), stopped at once if the request is
   * cancelled. After a stream's first chunk the attempt timeout no longer applies; gaps longer than
   * {@code stream_idle_timeout} end it.
   */
  public Future<UpstreamResponse> post(String path, MultiMap headers, Buffer body, UpstreamRequest request,
      ResponseCodec codec) {
    return send(HttpMethod.POST, host, port, ssl, basePath + path, headers, body, request, codec);
  }

  /**
   * A GET of {@code url}, an absolute URL the upstream handed back (a prediction to poll, a stream to follow),
   * as {@link #post} otherwise. The caller checks the URL's host before sending credentials to it.
   */
  public Future<UpstreamResponse> get(URI url, MultiMap headers, UpstreamRequest request, ResponseCodec codec) {
    boolean https = "https".equals(url.getScheme());
    int urlPort = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    String target = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    return send(HttpMethod.GET, url.getHost(), urlPort, https, target, headers, null, request, codec);
  }

  /** The base URL's scheme, host and port, for a caller checking where a URL it was handed points. */
  public boolean sameOrigin(URI url) {
    int urlPort = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    return ("https".equals(url.getScheme()) == ssl) && host.equalsIgnoreCase(String.valueOf(url.getHost()))
        && urlPort == port;
  }

  private Future<UpstreamResponse> send(HttpMethod method, String toHost, int toPort, boolean toSsl, String uri,
      MultiMap headers, Buffer body, UpstreamRequest request, ResponseCodec codec) {
    boolean stream = request.stream();
    Duration timeout = request.timeout() == null ? config.timeout() : request.timeout();
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(toHost)
        .setPort(toPort)
        .setSsl(toSsl)
        .setURI(uri)
        .setHeaders(headers)
        // No idle timeout on the request: the attempt's timer and then the stream's idle timer cover every
        // wait, and a third timer per request is measurable.
        .setConnectTimeout(Math.min(timeout.toMillis(), config.connectTimeout().toMillis()));
    ClientSSLOptions tls = !toSsl ? null : ssl ? sslOptions : UpstreamTls.sslOptions(config.tls());
    if (tls != null) {
      options.setSslOptions(tls);
    }
    Attempt attempt = new Attempt(timeout, codec, stream, headers);
    request.cancellation().onCancel(() -> {
      if (attempt.fail(UpstreamException.connection(config.key(), "the client closed the request"))
          && attempt.request != null) {
        attempt.request.reset();
      }
    });
    client.request(options)
        .compose(upstream -> {
          attempt.request = upstream;
          // A reset of our own (timeout, cancellation, a broken stream) comes back here after the attempt has
          // ended, where it changes nothing; without a handler Vert.x logs it as an error.
          upstream.exceptionHandler(t -> attempt.fail(connectionFailure(t, timeout)));
          if (attempt.isDone()) {
            upstream.reset();  // timed out or cancelled while connecting
          }
          return body == null ? upstream.send() : upstream.send(body);
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            attempt.onResponse(ar.result());
          } else {
            attempt.fail(connectionFailure(ar.cause(), timeout));
          }
        });
    return attempt.promise.future();
  }

  private UpstreamException connectionFailure(Throwable cause, Duration timeout) {
    if (cause instanceof TimeoutException || String.valueOf(cause.getMessage()).contains("timeout")) {
      return UpstreamException.timeout(config.key(), timeout);
    }
    SSLException tls = tlsFailure(cause);
    if (tls != null) {
      return UpstreamException.connection(config.key(), "TLS handshake failed: " + innermostMessage(tls));
    }
    String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return UpstreamException.connection(config.key(), detail);
  }

  /** One request's state: which of the deadline, the answer or a failure came first. */
  private final class Attempt {
    final Promise<UpstreamResponse> promise = Promise.promise();
    final ResponseCodec codec;
    final boolean stream;
    final LoopTimers.Timeout timer;
    final Duration timeout;
    final MultiMap headers;
    HttpClientRequest request;

    Attempt(Duration timeout, ResponseCodec codec, boolean stream, MultiMap headers) {
      this.codec = codec;
      this.stream = stream;
      this.timeout = timeout;
      this.headers = headers;
      this.timer = LoopTimers.schedule(vertx, timeout.toMillis(), () -> {
        if (fail(UpstreamException.timeout(config.key(), timeout)) && request != null) {
          request.reset();
        }
      });
    }

    boolean isDone() {
      return promise.future().isComplete();
    }

    /** Every failure passes here, so every error body is free of the credentials this request carried. */
    boolean fail(UpstreamException e) {
      timer.cancel();
      return !isDone() && promise.tryFail(e.redacted(secrets()));
    }

    /** The provider's credentials, and the request's own (a Vertex AI access token, a signed request's). */
    List<String> secrets() {
      List<String> out = new ArrayList<>(credentials);
      for (Map.Entry<String, String> h : headers) {
        addCredential(out, h.getKey(), h.getValue());
      }
      return out;
    }

    boolean succeed(UpstreamResponse response) {
      timer.cancel();
      return promise.tryComplete(response);
    }

    void onResponse(HttpClientResponse response) {
      if (isDone()) {
        request.reset();
        return;
      }
      int status = response.statusCode();
      String upstreamId = upstreamRequestId(response.headers());
      if (status < 200 || status >= 300) {
        BodyCollector.collect(response).onComplete(ar -> {
          Buffer body = ar.succeeded() ? ar.result() : Buffer.buffer();
          Duration retryAfter = retryAfter(response.headers());
          fail(new UpstreamException(UpstreamException.Kind.STATUS, status,
              codec.error(status, response.headers(), body), retryAfter != null ? retryAfter : codec.retryAfter(body)));
        });
        return;
      }
      if (!stream) {
        BodyCollector.collect(response).onComplete(ar -> {
          if (ar.failed()) {
            fail(connectionFailure(ar.cause(), timeout));
            return;
          }
          Buffer out;
          try {
            out = codec.complete(ar.result());
          } catch (RuntimeException e) {
            fail(UpstreamException.protocol(config.key(), describe(e)));
            return;
          }
          succeed(new UpstreamResponse.Complete(out, upstreamId));
        });
        return;
      }
      String contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
      if (contentType != null && contentType.startsWith("application/json")) {
        // A server that ignored stream=true: not a stream, and not to be relayed as one.
        BodyCollector.collect(response).onComplete(ar -> fail(UpstreamException.protocol(config.key(),
            "expected an event stream, got application/json")));
        return;
      }
      awaitFirstChunk(response, upstreamId);
    }

    void awaitFirstChunk(HttpClientResponse response, String upstreamId) {
      // Every codec's output is OpenAI SSE, and a passthrough's is the upstream's own bytes: an error event in
      // it may quote a key, after the status has gone out. It is masked here, whatever the provider.
      ChunkTransformer transformer = redacting(
          codec.streamTransformer().andThen(new SseErrorRedaction(secrets())), this::secrets);
      response.exceptionHandler(t -> fail(connectionFailure(t, timeout)));
      response.handler(chunk -> {
        if (isDone()) {
          return;
        }
        Buffer out;
        try {
          out = transformer.onChunk(chunk);
        } catch (RuntimeException e) {
          // Fail first: the reset fires the exception handler at once, which would report a lost connection.
          fail(streamFailure(e));
          request.reset();
          return;
        }
        if (out.length() > 0) {
          response.pause();
          UpstreamStream rest = new UpstreamStream(out, response, transformer, request::reset);
          rest.idleTimeout(vertx, config.streamIdleTimeout(), config.key());
          succeed(new UpstreamResponse.Streaming(rest, upstreamId));
        }
      });
      response.endHandler(v -> {
        if (isDone()) {
          return;
        }
        try {
          transformer.onEnd();
          fail(UpstreamException.protocol(config.key(), "the stream ended without any event"));
        } catch (RuntimeException e) {
          fail(streamFailure(e));
        }
      });
    }

    UpstreamException streamFailure(RuntimeException e) {
      if (e instanceof StreamFailure f) {
        return new UpstreamException(UpstreamException.Kind.STATUS, f.status(), f.errorBody(), null);
      }
      return UpstreamException.protocol(config.key(), describe(e));
    }
  }

  /**
   * {@code inner} with the failures it throws redacted: after the first chunk they reach the client as they
   * are, without passing {@link Attempt#fail}.
   */
  private static ChunkTransformer redacting(ChunkTransformer inner, Supplier<List<String>> secrets) {
    return new ChunkTransformer() {
      @Override
      public Buffer onChunk(Buffer chunk) {
        try {
          return inner.onChunk(chunk);
        } catch (RuntimeException e) {
          throw redacted(e, secrets.get());
        }
      }

      @Override
      public Buffer onEnd() {
        try {
          return inner.onEnd();
        } catch (RuntimeException e) {
          throw redacted(e, secrets.get());
        }
      }
    };
  }

  private static RuntimeException redacted(RuntimeException e, List<String> secrets) {
    if (e instanceof StreamFailure f) {
      return new StreamFailure(Redaction.redactAll(f.errorBody().deepCopy(), secrets), f.status());
    }
    String message = e.getMessage();
    String masked = Redaction.redact(message, secrets);
    return masked == null || masked.equals(message) ? e : new IllegalStateException(masked);
  }

  private static SSLException tlsFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  /** "unable to find valid certification path to requested target" rather than the wrappers around it. */
  private static String innermostMessage(Throwable t) {
    String message = t.getMessage();
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        message = c.getMessage();
      }
    }
    return message == null ? t.getClass().getSimpleName() : message;
  }

  private static String describe(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static String upstreamRequestId(MultiMap headers) {
    String id = headers.get("x-request-id");
    if (id == null) {
      id = headers.get("request-id");
    }
    return id != null ? id : headers.get("x-amzn-requestid");
  }

  /** Retry-After as seconds or an HTTP date, or OpenAI's retry-after-ms; null when absent or unreadable. */
  static Duration retryAfter(MultiMap headers) {
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.trim())));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String value = headers.get("retry-after");
    if (value == null) {
      return null;
    }
    try {
      return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(value.trim()) * 1000)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (RuntimeException ignored) {
        return null;
      }
    }
  }
}
