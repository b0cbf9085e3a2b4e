package io.switchboard.plugin.guardrails;

import static io.switchboard.plugin.guardrails.Guardrails.DONE;
import static io.switchboard.plugin.guardrails.Guardrails.chatAnswer;
import static io.switchboard.plugin.guardrails.Guardrails.chunk;
import static io.switchboard.plugin.guardrails.Guardrails.complete;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.Plugin;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MemoryReadStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guardrails on one event loop: a large prompt or answer is checked while the loop runs other tasks, the chain
 * goes on from the loop, and a small one is still checked at once, on the loop.
 */
class GuardrailOffLoopTest {
  static final String OPENAI_KEY = "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA3bC5";
  static final String EMAIL = "jane.doe@example.com";
  /** About 0.4 s of secret scanning. */
  static final int LARGE = 2_000_000;

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** What {@code handle} gave, once complete, and whether it was complete when the loop ran its next task. */
  record Handled(Future<Outcome> result, boolean doneAtNextTask) {}

  static Handled handleOnLoop(Plugin plugin, Exchange exchange, Plugin.Chain next) throws Exception {
    Context loop = vertx.getOrCreateContext();
    CompletableFuture<Future<Outcome>> handled = new CompletableFuture<>();
    CompletableFuture<Boolean> doneAtNextTask = new CompletableFuture<>();
    loop.runOnContext(v -> handled.complete(plugin.handle(exchange, next)));
    // Queued behind handle on the same loop: it runs as soon as handle has returned.
    loop.runOnContext(v -> doneAtNextTask.complete(handled.isDone() && handled.join().isComplete()));
    Future<Outcome> result = handled.get(10, TimeUnit.SECONDS);
    boolean done = doneAtNextTask.get(10, TimeUnit.SECONDS);
    result.toCompletionStage().toCompletableFuture().handle((o, t) -> o).get(60, TimeUnit.SECONDS);
    return new Handled(result, done);
  }

  static String prose(String head, int size) {
    StringBuilder b = new StringBuilder(size + 100).append(head);
    for (int i = 0; b.length() < size; i++) {
      b.append("The quick brown fox jumps over the lazy dog, again and again; ").append(i % 1000).append(". ");
    }
    return b.toString();
  }

  static Exchange chat(String text) {
    return Exchanges.chat("gpt-4o", text);
  }

  @Test
  void aLargePromptIsScannedWhileTheLoopRunsOtherTasks() throws Exception {
    Plugin secrets = Guardrails.plugin(vertx, "secret-scan", "before_request", "{action: block}");
    AtomicInteger upstreamCalls = new AtomicInteger();

    Handled h = handleOnLoop(secrets, chat(prose("my key is " + OPENAI_KEY + ". ", LARGE)), ex -> {
      upstreamCalls.incrementAndGet();
      return Future.succeededFuture(complete(chatAnswer("ok")));
    });

    assertThat(h.doneAtNextTask()).as("verdict ready before the loop's next task").isFalse();
    assertThat(h.result().cause()).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.param()).isEqualTo("messages[0].content");
      assertThat(e.getMessage())
          .isEqualTo("request rejected by secret-scan (before_request): the request contains an OpenAI API key (messages[0].content)");
    });
    assertThat(upstreamCalls).hasValue(0);
  }

  @Test
  void aLargeAnswerIsCheckedWhileTheLoopRunsOtherTasks() throws Exception {
    Plugin pii = Guardrails.plugin(vertx, "pii-redact", "before_request", "{kinds: [email], responses: true}");
    String answer = prose("Sure, write to " + EMAIL + ". ", LARGE);

    Handled h = handleOnLoop(pii, chat("who?"), ex -> Future.succeededFuture(complete(chatAnswer(answer))));

    assertThat(h.doneAtNextTask()).as("answer checked before the loop's next task").isFalse();
    assertThat(h.result().succeeded()).as(String.valueOf(h.result().cause())).isTrue();
    String content = Json.parseOrNull(((UpstreamResponse.Complete) h.result().result().response()).body())
        .path("choices").path(0).path("message").path("content").asText();
    assertThat(content).isEqualTo(answer.replace(EMAIL, "[REDACTED:EMAIL]"));
  }

  @Test
  void afterALargePromptIsScannedTheChainGoesOnFromTheLoop() throws Exception {
    Plugin pii = Guardrails.plugin(vertx, "pii-redact", "before_request", "{kinds: [email]}");
    String prompt = prose("please write to " + EMAIL + ". ", LARGE);
    List<String> got = new ArrayList<>();
    List<Boolean> onLoop = new ArrayList<>();

    Handled h = handleOnLoop(pii, chat(prompt), ex -> {
      onLoop.add(Context.isOnEventLoopThread());
      got.add(ex.body().path("messages").path(0).path("content").asText());
      return Future.succeededFuture(complete(chatAnswer("ok")));
    });

    assertThat(h.result().succeeded()).as(String.valueOf(h.result().cause())).isTrue();
    assertThat(onLoop).as("the rest of the chain ran on the event loop").containsExactly(true);
    assertThat(got).containsExactly(prompt.replace(EMAIL, "[REDACTED:EMAIL]"));
  }

  @Test
  void aSmallPromptIsCheckedAtOnceOnTheLoop() throws Exception {
    Plugin secrets = Guardrails.plugin(vertx, "secret-scan", "before_request", "{action: block}");

    Handled h = handleOnLoop(secrets, chat("my key is " + OPENAI_KEY), ex -> Future.succeededFuture(
        complete(chatAnswer("ok"))));

    assertThat(h.doneAtNextTask()).as("verdict ready when handle returned").isTrue();
    assertThat(h.result().cause()).isInstanceOf(ApiException.class)
        .hasMessage("request rejected by secret-scan (before_request): the request contains an OpenAI API key (messages[0].content)");
  }

  /** Runs schema-guard over a stream of these SSE pieces; the answer's bytes once replayed, or the failure. */
  static Object stream(Plugin guard, List<String> pieces) throws Exception {
    CompletableFuture<Object> result = new CompletableFuture<>();
    Context loop = vertx.getOrCreateContext();
    loop.runOnContext(v -> {
      List<Buffer> rest = new ArrayList<>();
      for (String p : pieces.subList(1, pieces.size())) {
        rest.add(Buffer.buffer(p));
      }
      MemoryReadStream source = new MemoryReadStream(loop, rest);
      source.pause();
      UpstreamStream upstream = new UpstreamStream(Buffer.buffer(pieces.getFirst()), source, ChunkTransformer.AS_IS,
          source::pause);
      guard.handle(chat("who?"), ex -> Future.succeededFuture(
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
    return result.get(30, TimeUnit.SECONDS);
  }

  static List<String> streamOf(String text) {
    List<String> pieces = new ArrayList<>();
    pieces.add(chunk(0, "", null));
    for (int i = 0; i < text.length(); i += 500) {
      pieces.add(chunk(0, text.substring(i, Math.min(text.length(), i + 500)), null));
    }
    pieces.add(chunk(0, null, "stop"));
    pieces.add(DONE);
    return pieces;
  }

  @Test
  void aLargeStreamedAnswerIsJudgedOffTheLoopAsOnIt() throws Exception {
    Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema("{\"type\":\"object\",\"required\":[\"reply\"],\"properties\":{\"reply\":{\"type\":\"string\"}}}");
    schema.initializeValidators();
    Plugin onLoop = new SchemaGuardPlugin("schema-guard", schema, vertx, ScanPool.onLoop());
    Plugin offLoop = new SchemaGuardPlugin("schema-guard", schema, vertx, ScanPool.withLimit(vertx, 0));
    List<String> valid = streamOf(Json.string(Json.object().put("reply", prose("Hello. ", 20_000))));
    List<String> invalid = streamOf(Json.string(Json.object().put("answer", prose("Hello. ", 20_000))));

    assertThat(stream(offLoop, valid)).isEqualTo(stream(onLoop, valid)).isEqualTo(String.join("", valid));
    Object refused = stream(offLoop, invalid);
    Object refusedOnLoop = stream(onLoop, invalid);
    assertThat(refusedOnLoop).isInstanceOf(ApiException.class);
    assertThat(refused).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage()).isEqualTo(((ApiException) refusedOnLoop).getMessage())
          .startsWith("Blocked by schema-guard: the answer does not match the schema");
    });
  }
}
