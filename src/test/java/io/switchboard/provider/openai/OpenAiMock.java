package io.switchboard.provider.openai;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible server standing in for a preset's base URL: it records each request and answers a
 * chat completion (or an SSE stream when asked), as every preset's provider does.
 */
final class OpenAiMock implements AutoCloseable {
  record Received(String path, MultiMap headers, Buffer body) {}

  static final String COMPLETION = """
      {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,\
      "message":{"role":"assistant","content":"hi from the mock"},"finish_reason":"stop"}],\
      "usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""";

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final List<Received> received = new CopyOnWriteArrayList<>();

  OpenAiMock() throws Exception {
    server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.add(new Received(req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body));
          req.response().putHeader("content-type", "application/json").end(COMPLETION);
        }))
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  Received last() {
    return received.getLast();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
