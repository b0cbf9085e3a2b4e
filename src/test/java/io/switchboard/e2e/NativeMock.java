package io.switchboard.e2e;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A provider stand-in that speaks a native wire format through {@code handler}, recording each request's
 * full URI (query included), headers and raw body bytes.
 */
final class NativeMock implements AutoCloseable {
  record Received(String uri, MultiMap headers, Buffer body) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  NativeMock(BiConsumer<HttpServerRequest, Buffer> handler) throws Exception {
    server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.add(new Received(req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body));
          handler.accept(req, body);
        }))
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  List<Received> received() {
    return received;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
