package io.switchboard.plugin.guardrails;

import static io.switchboard.plugin.guardrails.Guardrails.DONE;
import static io.switchboard.plugin.guardrails.Guardrails.chunk;
import static io.switchboard.plugin.guardrails.Guardrails.streamedText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.Plugin;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MemoryReadStream;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Response guardrails on streams: held-back windows per choice, valid chunks out, nothing leaked early. */
class StreamGuardTest {
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static ScanGuardrail guard(String name, String config) {
    return (ScanGuardrail) Guardrails.plugin(vertx, name, "after_request", config);
  }

  /** Feeds each piece as one upstream chunk; returns what each produced, then what the end produced. */
  static List<String> feed(ChunkTransformer t, List<String> pieces) {
    List<String> out = new ArrayList<>();
    for (String p : pieces) {
      out.add(t.onChunk(Buffer.buffer(p)).toString());
    }
    out.add(t.onEnd().toString());
    return out;
  }

  static List<String> emailInThreeChunks() {
    return List.of(chunk(0, "", null), chunk(0, "Contact jane.d", null), chunk(0, "oe@exam", null),
        chunk(0, "ple.com today.", null), chunk(0, null, "stop"), DONE);
  }

  @Test
  void anEmailSplitAcrossThreeChunksIsRedacted() {
    List<String> out = feed(new StreamGuard(guard("pii-redact", "{}"), true), emailInThreeChunks());
    String all = String.join("", out);
    assertThat(streamedText(all, 0)).isEqualTo("Contact [REDACTED:EMAIL] today.");
    assertThat(all).doesNotContain("jane").doesNotContain("exam").doesNotContain("example.com");
  }

  @Test
  void chunkBoundariesInsideEventsAndCharactersDoNotMatter() {
    String sse = String.join("", List.of(chunk(0, "Grüße an jane.d", null), chunk(0, "oe@example.com, ", null),
        chunk(0, "Karte 4111 1111 ", null), chunk(0, "1111 1111 – danke", null), chunk(0, null, "stop"), DONE));
    byte[] bytes = sse.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int step : new int[] {1, 3, 7, 50}) {
      StreamGuard g = new StreamGuard(guard("pii-redact", "{}"), true);
      StringBuilder out = new StringBuilder();
      List<Buffer> pieces = new ArrayList<>();
      for (int i = 0; i < bytes.length; i += step) {
        pieces.add(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + step))));
      }
      Buffer raw = Buffer.buffer();
      for (Buffer p : pieces) {
        raw.appendBuffer(g.onChunk(p));
      }
      raw.appendBuffer(g.onEnd());
      out.append(raw.toString(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(streamedText(out.toString(), 0)).as("step " + step)
          .isEqualTo("Grüße an [REDACTED:EMAIL], Karte [REDACTED:CREDIT_CARD] – danke");
    }
  }

  @Test
  void textBeyondTheWindowIsReleasedWhileTheStreamRuns() {
    StreamGuard g = new StreamGuard(guard("pii-redact", "{stream_window: 32}"), true);
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pieces.add(chunk(0, "word" + i + " and more ", null));
    }
    List<String> out = feed(g, pieces);
    // After the first few chunks the client gets text with each chunk, not all of it at the end.
    assertThat(streamedText(String.join("", out.subList(0, 10)) + DONE, 0)).isNotEmpty().startsWith("word0 and more word1");
    assertThat(out.get(19)).contains("word");
  }

  @Test
  void finishFlushesTheHeldTextOfThatChoiceAndChoicesAreKeptApart() {
    StreamGuard g = new StreamGuard(guard("pii-redact", "{}"), true);
    List<String> out = feed(g, List.of(chunk(0, "a: bob@", null), chunk(1, "b: 10.0.", null), chunk(0, "example.org", null),
        chunk(1, "0.7 end", null), chunk(0, "!", "stop"), chunk(1, null, "stop"), DONE));
    String all = String.join("", out);
    assertThat(streamedText(all, 0)).isEqualTo("a: [REDACTED:EMAIL]!");
    assertThat(streamedText(all, 1)).isEqualTo("b: [REDACTED:IP_ADDRESS] end");
    List<SseEvent> events = Guardrails.events(all);
    JsonNode finish0 = Json.parseOrNull(Buffer.buffer(events.get(4).data()));
    assertThat(finish0.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void otherEventsPassUnchangedAndACutStreamStillGetsItsHeldText() {
    StreamGuard g = new StreamGuard(guard("pii-redact", "{}"), true);
    String usage = "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":3}}\n\n";
    List<String> out = feed(g, List.of(chunk(0, "", null), chunk(0, "mail me at x@example.com", null), usage));
    String all = String.join("", out);
    assertThat(out.get(0)).isEqualTo(chunk(0, "", null));
    assertThat(all).contains(usage).doesNotContain("x@example.com").doesNotContain("[DONE]");
    assertThat(streamedText(all + DONE, 0)).isEqualTo("mail me at [REDACTED:EMAIL]");
  }

  @Test
  void blockEndsTheStreamWithAnErrorBeforeTheMatchIsSent() {
    StreamGuard g = new StreamGuard(guard("secret-scan", "{}"), true);
    String key = "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA3bC5";
    StringBuilder sent = new StringBuilder();
    sent.append(g.onChunk(Buffer.buffer(chunk(0, "Here it is: " + key.substring(0, 12), null))));
    sent.append(g.onChunk(Buffer.buffer(chunk(0, key.substring(12), null))));
    assertThatThrownBy(() -> g.onChunk(Buffer.buffer(chunk(0, " done", "stop"))))
        .isInstanceOfSatisfying(StreamFailure.class, f -> {
          assertThat(f.status()).isEqualTo(502);
          assertThat(f.errorBody().path("error").path("code").asText()).isEqualTo("response_blocked");
          assertThat(f.errorBody().path("error").path("type").asText()).isEqualTo("api_error");
          assertThat(f.getMessage()).isEqualTo("Blocked by secret-scan: the answer contains an OpenAI API key");
        });
    assertThat(sent.toString()).doesNotContain("sk-proj");
  }

  @Test
  void aBlockOnTheFirstChunkIsAPlain502() throws Exception {
    Plugin plugin = Guardrails.plugin(vertx, "pii-redact", "after_request", "{action: block}");
    Future<Outcome> result = vertx.getOrCreateContext().<Future<Outcome>>executeBlocking(() -> null).compose(v -> {
      MemoryReadStream rest = new MemoryReadStream(vertx.getOrCreateContext(), List.of(Buffer.buffer(DONE)));
      rest.pause();
      boolean[] cancelled = {false};
      UpstreamStream stream = new UpstreamStream(Buffer.buffer(chunk(0, "call +4915112345678", "stop")), rest,
          ChunkTransformer.AS_IS, () -> cancelled[0] = true);
      return plugin.handle(Exchanges.chat("gpt-4o", "hi"), ex -> Future.succeededFuture(
          new Outcome(new UpstreamResponse.Streaming(stream, null), null, 1)));
    });
    Throwable failure = result.toCompletionStage().toCompletableFuture().handle((o, t) -> t).get(5, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.code()).isEqualTo("response_blocked");
      assertThat(e.getMessage()).isEqualTo("Blocked by pii-redact: the answer contains a phone number")
          .doesNotContain("4915112345678");
    });
  }

  @Test
  void completionStreamsAreRedactedInTheirTextField() {
    StreamGuard g = new StreamGuard(guard("pii-redact", "{}"), false);
    String c1 = "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"ssn 123-4\",\"finish_reason\":null}]}\n\n";
    String c2 = "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"5-6789 ok\",\"finish_reason\":\"length\"}]}\n\n";
    String all = String.join("", feed(g, List.of(c1, c2, DONE)));
    StringBuilder text = new StringBuilder();
    for (SseEvent e : Guardrails.events(all)) {
      if (!e.data().equals("[DONE]")) {
        JsonNode c = Json.parseOrNull(Buffer.buffer(e.data()));
        assertThat(c.path("object").asText()).isEqualTo("text_completion");
        text.append(c.path("choices").path(0).path("text").asText());
      }
    }
    assertThat(text.toString()).isEqualTo("ssn [REDACTED:US_SSN] ok");
    assertThat(all).doesNotContain("6789").endsWith(DONE);
  }
}
