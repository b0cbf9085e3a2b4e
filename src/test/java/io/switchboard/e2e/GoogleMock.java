package io.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A Google API stand-in (Gemini API, Vertex AI, the OAuth2 token endpoint) on its own Vert.x instance:
 * replies are registered per path suffix ({@code :generateContent}, {@code /token}, ...) and every request
 * is recorded with its query string, which the gateway must keep free of keys.
 */
final class GoogleMock implements AutoCloseable {
  record Received(String path, String query, MultiMap headers, Buffer raw) {
    JsonNode body() {
      return Json.parseOrNull(raw);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, BiConsumer<HttpServerRequest, Buffer>> replies = new ConcurrentHashMap<>();

  GoogleMock() throws Exception {
    server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.add(new Received(req.path(), req.query(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
              body));
          replies.entrySet().stream().filter(e -> req.path().endsWith(e.getKey())).findFirst()
              .ifPresentOrElse(e -> e.getValue().accept(req, body), () -> json(req, 404,
                  "{\"error\":{\"code\":404,\"message\":\"no reply for " + req.path() + "\",\"status\":\"NOT_FOUND\"}}"));
        }))
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  GoogleMock on(String pathSuffix, BiConsumer<HttpServerRequest, Buffer> reply) {
    replies.put(pathSuffix, reply);
    return this;
  }

  List<Received> received() {
    return received;
  }

  List<Received> received(String pathSuffix) {
    return received.stream().filter(r -> r.path().endsWith(pathSuffix)).toList();
  }

  static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  static BiConsumer<HttpServerRequest, Buffer> json(int status, String body) {
    return (req, b) -> json(req, status, body);
  }

  /** Each line of a vercel-ai {@code *.chunks.txt} as one SSE event, written one at a time, as Google does. */
  static BiConsumer<HttpServerRequest, Buffer> sse(String chunksFile) {
    List<String> lines = chunksFile.lines().filter(l -> !l.isBlank()).toList();
    return (req, b) -> {
      var response = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      for (String line : lines) {
        response.write("data: " + line + "\r\n\r\n");
      }
      response.end();
    };
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
