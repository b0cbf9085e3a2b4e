package io.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A provider stand-in that misbehaves on purpose: error statuses, cut bodies, resets, silence, slow or
 * truncated streams. It counts the requests in progress (from arrival until the response ended or the
 * connection went away) so a test can prove the gateway left nothing hanging upstream, and records when
 * a request was abandoned by the gateway rather than answered.
 */
final class FaultyUpstream implements AutoCloseable {
  record Received(String path, JsonNode body, long arrivedNanos) {}

  /** How a scripted stream ends after its events. */
  enum End { END, CUT, STALL }

  /** Answers one request; the in-progress counter follows the response and connection by itself. */
  interface Fault extends BiConsumer<HttpServerRequest, Buffer> {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Queue<Fault> script = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Requests whose connection closed before their response ended: the gateway gave up on them. */
  private final List<Long> abandonedAtNanos = new CopyOnWriteArrayList<>();
  private volatile Fault fallback = status(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}");

  FaultyUpstream() throws Exception {
    this(false);
  }

  /** {@code rst}: every close is an abortive close (SO_LINGER 0), so the gateway sees a TCP RST. */
  FaultyUpstream(boolean rst) throws Exception {
    HttpServerOptions options = new HttpServerOptions();
    if (rst) {
      options.setSoLinger(0);
    }
    server = vertx.createHttpServer(options)
        .requestHandler(req -> {
          inFlight.incrementAndGet();
          AtomicBoolean settled = new AtomicBoolean();
          HttpServerResponse resp = req.response();
          // bodyEndHandler runs only when the whole response went out; endHandler would also run on a close.
          resp.bodyEndHandler(v -> {
            if (settled.compareAndSet(false, true)) {
              inFlight.decrementAndGet();
            }
          });
          resp.closeHandler(v -> {
            if (settled.compareAndSet(false, true)) {
              abandonedAtNanos.add(System.nanoTime());
              inFlight.decrementAndGet();
            }
          });
          req.body().onSuccess(body -> {
            received.add(new Received(req.path(), Json.parseOrNull(body), System.nanoTime()));
            Fault fault = script.poll();
            (fault == null ? fallback : fault).accept(req, body);
          });
        })
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  List<Received> received() {
    return received;
  }

  int inFlight() {
    return inFlight.get();
  }

  List<Long> abandonedAtNanos() {
    return abandonedAtNanos;
  }

  FaultyUpstream then(Fault fault) {
    script.add(fault);
    return this;
  }

  FaultyUpstream always(Fault fault) {
    fallback = fault;
    return this;
  }

  int unusedScript() {
    return script.size();
  }

  void reset() {
    script.clear();
    received.clear();
    abandonedAtNanos.clear();
    fallback = status(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}");
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  // ---- faults ----

  static Fault status(int status, String body) {
    return (req, b) -> req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  static Fault withHeader(String name, String value, Fault fault) {
    return (req, b) -> {
      req.response().putHeader(name, value);
      fault.accept(req, b);
    };
  }

  /** 200 with a body of the given content type, complete at the HTTP level (so malformed only in content). */
  static Fault body200(String contentType, String body) {
    return (req, b) -> req.response().setStatusCode(200).putHeader("content-type", contentType).end(body);
  }

  /** Announces {@code declared} bytes, sends {@code partial}, then closes the connection. */
  static Fault cutBody(String partial, int declared) {
    return (req, b) -> {
      HttpServerResponse resp = req.response().setStatusCode(200)
          .putHeader("content-type", "application/json")
          .putHeader("content-length", Integer.toString(declared));
      resp.write(partial).onComplete(ar -> Vertx.currentContext().owner().setTimer(20, id -> req.connection().close()));
    };
  }

  /** Accepts the request and never answers. */
  static Fault hang() {
    return (req, b) -> {};
  }

  /** A TCP-level close right after the request arrived: no status line at all. */
  static Fault closeAtOnce() {
    return (req, b) -> req.connection().close();
  }

  /**
   * SSE: status 200 and headers at once, then after {@code firstDelay} the first {@code count} events
   * {@code gap} apart; then the stream ends, the connection is closed, or nothing more happens.
   */
  static Fault sse(List<String> events, int count, End end, Duration firstDelay, Duration gap) {
    return (req, b) -> {
      HttpServerResponse resp = req.response().setChunked(true).setStatusCode(200)
          .putHeader("content-type", "text/event-stream");
      resp.writeHead();
      Vertx vertx = Vertx.currentContext().owner();
      Runnable go = () -> writeFrom(vertx, req, events, 0, count, end, gap.toMillis());
      if (firstDelay.isZero()) {
        go.run();
      } else {
        vertx.setTimer(firstDelay.toMillis(), id -> go.run());
      }
    };
  }

  static Fault sse(List<String> events) {
    return sse(events, events.size(), End.END, Duration.ZERO, Duration.ofMillis(2));
  }

  private static void writeFrom(Vertx vertx, HttpServerRequest req, List<String> events, int i, int count, End end,
      long gap) {
    HttpServerResponse resp = req.response();
    if (resp.closed() || resp.ended()) {
      return;
    }
    if (i == count) {
      switch (end) {
        case CUT -> req.connection().close();
        case END -> resp.end();
        case STALL -> { }
      }
      return;
    }
    resp.write(events.get(i % events.size()));
    vertx.setTimer(Math.max(1, gap), id -> writeFrom(vertx, req, events, i + 1, count, end, gap));
  }
}
