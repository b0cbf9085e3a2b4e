package io.switchboard.plugin.guardrails;

import static io.switchboard.plugin.guardrails.Guardrails.DONE;
import static io.switchboard.plugin.guardrails.Guardrails.chatAnswer;
import static io.switchboard.plugin.guardrails.Guardrails.chunk;
import static io.switchboard.plugin.guardrails.Guardrails.complete;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ApiException;
import io.switchboard.plugin.Exchanges;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemaGuardPluginTest {
  static final String SCHEMA = "{schema: {type: object, required: [name, age], properties: {name: {type: string}, age: {type: integer}}}}";

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static Future<Outcome> complete(Plugin plugin, String content) {
    return plugin.handle(Exchanges.chat("gpt-4o", "who?"), ex -> Future.succeededFuture(Guardrails.complete(chatAnswer(content))));
  }

  @Test
  void completeAnswersPassOrGet502() {
    Plugin guard = Guardrails.plugin(vertx, "schema-guard", "after_request", SCHEMA);
    Future<Outcome> ok = complete(guard, "{\"name\":\"Ada\",\"age\":36}");
    assertThat(ok.succeeded()).isTrue();
    assertThat(Guardrails.body(ok.result())).contains("Ada");

    ApiException wrong = (ApiException) complete(guard, "{\"name\":\"Ada\",\"age\":\"old\"}").cause();
    assertThat(wrong.status()).isEqualTo(502);
    assertThat(wrong.type()).isEqualTo("api_error");
    assertThat(wrong.code()).isEqualTo("response_blocked");
    assertThat(wrong.getMessage()).startsWith("Blocked by schema-guard: the answer does not match the schema "
        + "(choices[0].message.content: /age string found, integer expected)");

    ApiException missing = (ApiException) complete(guard, "{\"name\":\"Ada\"}").cause();
    assertThat(missing.getMessage()).endsWith("(choices[0].message.content: / required property 'age' not found)");

    ApiException prose = (ApiException) complete(guard, "Ada, 36 years old").cause();
    assertThat(prose.getMessage()).isEqualTo("Blocked by schema-guard: the answer is not JSON (choices[0].message.content)");
  }

  /** Runs the guard over a stream of these SSE pieces; the answer's bytes once replayed, or the failure. */
  static Object stream(Plugin guard, List<String> pieces) throws Exception {
    CompletableFuture<Object> result = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      List<Buffer> rest = new ArrayList<>();
      for (String p : pieces.subList(1, pieces.size())) {
        rest.add(Buffer.buffer(p));
      }
      MemoryReadStream source = new MemoryReadStream(vertx.getOrCreateContext(), rest);
      source.pause();
      UpstreamStream upstream = new UpstreamStream(Buffer.buffer(pieces.getFirst()), source, ChunkTransformer.AS_IS,
          source::pause);
      guard.handle(Exchanges.chat("gpt-4o", "who?"), ex -> Future.succeededFuture(
          new Outcome(new UpstreamResponse.Streaming(upstream, "up-9"), null, 1))).onComplete(ar -> {
            if (ar.failed()) {
              result.complete(ar.cause());
              return;
            }
            UpstreamStream replay = ((UpstreamResponse.Streaming) ar.result().response()).stream();
            Buffer all = Buffer.buffer().appendBuffer(replay.first());
            Promise<Void> done = Promise.promise();
            replay.start(all::appendBuffer, end -> done.complete(), done::fail);
            done.future().onComplete(d -> result.complete(all.toString()));
          });
    });
    return result.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aValidStreamIsReplayedWhole() throws Exception {
    Plugin guard = Guardrails.plugin(vertx, "schema-guard", "after_request", SCHEMA);
    List<String> pieces = List.of(chunk(0, "", null), chunk(0, "{\"name\":", null), chunk(0, "\"Ada\",\"age\":36}", null),
        chunk(0, null, "stop"), DONE);
    Object out = stream(guard, pieces);
    assertThat(out).isEqualTo(String.join("", pieces));
  }

  @Test
  void anInvalidStreamIsA502BeforeAnyByteIsSent() throws Exception {
    Plugin guard = Guardrails.plugin(vertx, "schema-guard", "after_request", SCHEMA);
    Object out = stream(guard, List.of(chunk(0, "", null), chunk(0, "{\"name\":", null), chunk(0, "\"Ada\"}", null),
        chunk(0, null, "stop"), DONE));
    assertThat(out).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.code()).isEqualTo("response_blocked");
      assertThat(e.getMessage()).startsWith("Blocked by schema-guard: the answer does not match the schema").contains("age");
    });
  }
}
