package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.ConfigLoader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Plugin;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MemoryReadStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server runs in strict thread mode, which refuses a response write from any thread but the connection's
 * event loop. Answers that complete elsewhere (a Redis reply on another loop, a plugin's own thread) and
 * streams whose events come from another loop (a replayed cache hit) must still reach the client whole.
 */
@Timeout(30)
class OffLoopAnswerTest {
  static Vertx vertx;
  static Vertx elsewhere;  // another instance: its event loops are certainly not the gateway's
  static GatewayServer gateway;
  // HTTP/1.1: strict thread mode is about HTTP/1 connections (Java's client would otherwise upgrade to h2c).
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * Metadata {@code answer: thread}: the upstream's answer handed over on a plain thread. {@code answer: replay}:
   * a stream answered without an upstream, its events emitted on a loop of the other Vert.x instance.
   */
  static final class Elsewhere implements Plugin {
    @Override
    public String name() {
      return "elsewhere";
    }

    @Override
    public Future<Outcome> handle(Exchange exchange, Chain next) {
      Promise<Outcome> handedOver = Promise.promise();
      switch (exchange.metadata().getOrDefault("answer", "")) {
        case "thread" -> next.proceed(exchange).onComplete(ar -> Thread.ofPlatform().start(() -> handedOver.handle(ar)));
        case "replay" -> elsewhere.runOnContext(v -> {
          List<Buffer> events = List.of(
              Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\"}}]}\n\n"),
              Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"two\"}}]}\n\n"),
              Buffer.buffer("data: [DONE]\n\n"));
          MemoryReadStream rest = new MemoryReadStream(elsewhere.getOrCreateContext(), events.subList(1, 3));
          rest.pause();
          UpstreamStream stream = new UpstreamStream(events.getFirst(), rest, ChunkTransformer.AS_IS, rest::pause);
          handedOver.complete(new Outcome(new UpstreamResponse.Streaming(stream, null), null, 0));
        });
        default -> {
          return next.proceed(exchange);
        }
      }
      return handedOver.future();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    elsewhere = Vertx.vertx();
    gateway = GatewayServer.start(vertx, ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, event_loops: 2}
        providers: [{key: m, provider: mock, models: [gpt-4o]}]
        strategy: {mode: single}
        """, Map.of()), List.of(new Elsewhere())).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    elsewhere.close().await(10, TimeUnit.SECONDS);
  }

  static HttpResponse<String> post(String answer, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(5))
        .header("content-type", "application/json")
        .header("x-switchboard-metadata", "{\"answer\":\"" + answer + "\"}")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAnswerCompletedOnAPlainThreadIsWritten() throws Exception {
    for (int i = 0; i < 20; i++) {  // several connections, so both of the gateway's loops serve some
      HttpResponse<String> r = post("thread", """
          {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"choices\"");
    }
  }

  @Test
  void aStreamWhoseEventsComeFromAnotherLoopArrivesWhole() throws Exception {
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = post("replay", """
          {"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("""
          data: {"choices":[{"index":0,"delta":{"content":"one"}}]}

          data: {"choices":[{"index":0,"delta":{"content":"two"}}]}

          data: [DONE]

          """);
    }
  }

  @Test
  void anAnswerOnTheLoopIsUnchanged() throws Exception {
    HttpResponse<String> r = post("loop", """
        {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
    assertThat(r.statusCode()).isEqualTo(200);
  }
}
