package io.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A provider stand-in on its own Vert.x instance: it records every request and answers from a script
 * of replies (then from a default), with recorded real bodies and streams.
 */
final class MockUpstream implements AutoCloseable {
  record Received(String method, String path, MultiMap headers, JsonNode body, HttpVersion version) {}

  interface Reply extends BiConsumer<HttpServerRequest, Buffer> {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final boolean ssl;
  private volatile Reply fallback = status(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}");

  MockUpstream() throws Exception {
    this(new HttpServerOptions());
  }

  /** With TLS, client authentication or HTTP/2 as {@code options} say. */
  MockUpstream(HttpServerOptions options) throws Exception {
    ssl = options.isSsl();
    server = vertx.createHttpServer(options)
        .connectionHandler(c -> {
          connections.incrementAndGet();
          openConnections.incrementAndGet();
          c.closeHandler(v -> openConnections.decrementAndGet());
        })
        .requestHandler(req -> {
          HttpServerResponse resp = req.response();
          // Closed before it ended: the gateway reset the stream or dropped the connection.
          resp.closeHandler(v -> {
            if (!resp.ended()) {
              abandoned.incrementAndGet();
            }
          });
          req.body().onSuccess(body -> {
            received.add(new Received(req.method().name(), req.path(),
                MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), Json.parseOrNull(body), req.version()));
            Reply reply = script.poll();
            (reply == null ? fallback : reply).accept(req, body);
          });
        })
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return (ssl ? "https" : "http") + "://127.0.0.1:" + port();
  }

  List<Received> received() {
    return received;
  }

  int openConnections() {
    return openConnections.get();
  }

  /** Connections accepted since the start. */
  int connections() {
    return connections.get();
  }

  /** Responses whose stream or connection closed before they ended. */
  int abandoned() {
    return abandoned.get();
  }

  MockUpstream then(Reply reply) {
    script.add(reply);
    return this;
  }

  MockUpstream always(Reply reply) {
    fallback = reply;
    return this;
  }

  void reset() {
    script.clear();
    received.clear();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static String resource(String path) {
    try (InputStream in = MockUpstream.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Reply json(int status, String body) {
    return (req, b) -> req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  static Reply status(int status, String body) {
    return json(status, body);
  }

  static Reply withHeader(String name, String value, Reply reply) {
    return (req, b) -> {
      req.response().putHeader(name, value);
      reply.accept(req, b);
    };
  }

  /** Sends SSE events one write each, a few milliseconds apart, as a real provider does. */
  static Reply sse(List<String> events) {
    return sseThenCut(events, events.size(), false);
  }

  /** Sends the first {@code count} events, then either ends normally or kills the connection. */
  static Reply sseThenCut(List<String> events, int count, boolean cut) {
    return (req, b) -> {
      HttpServerResponse resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      resp.setStatusCode(200);
      Vertx vertx = Vertx.currentContext().owner();
      writeFrom(vertx, req, events, 0, count, cut);
    };
  }

  /** Accepts the request and never answers. */
  static Reply hang() {
    return (req, b) -> {};
  }

  private static void writeFrom(Vertx vertx, HttpServerRequest req, List<String> events, int i, int count, boolean cut) {
    HttpServerResponse resp = req.response();
    if (resp.closed()) {
      return;
    }
    if (i == count) {
      if (cut) {
        req.connection().close();
      } else {
        resp.end();
      }
      return;
    }
    resp.write(events.get(i));
    vertx.setTimer(2, id -> writeFrom(vertx, req, events, i + 1, count, cut));
  }

  /** Splits a raw SSE body into events, each with its trailing blank line. */
  static List<String> rawEvents(String raw) {
    String normalized = raw.replace("\r\n", "\n");
    if (!normalized.endsWith("\n\n")) {
      normalized = normalized.endsWith("\n") ? normalized + "\n" : normalized + "\n\n";
    }
    return java.util.Arrays.stream(normalized.split("(?<=\n\n)")).filter(s -> !s.isBlank()).toList();
  }

  /** vercel-ai's *.chunks.txt hold one event's data per line; Anthropic names each event by its type. */
  static List<String> anthropicEventsFromChunks(String chunks) {
    return chunks.lines().filter(l -> !l.isBlank()).map(line -> {
      String type = Json.parseOrNull(Buffer.buffer(line)).path("type").asText();
      return "event: " + type + "\ndata: " + line + "\n\n";
    }).toList();
  }
}
