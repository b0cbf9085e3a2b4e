package io.switchboard.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChatStreamAssembler;
import io.switchboard.stream.MemoryReadStream;
import io.switchboard.stream.OpenAiSseCheck;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEncoder;
import io.switchboard.stream.SseEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ResponseCacheTest {
  static final PriceCatalog PRICES = PriceCatalog.of(java.util.Map.of());
  static final String COMPLETION = """
      {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
       "system_fingerprint":"fp_1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there!",
       "refusal":null},"logprobs":null,"finish_reason":"stop"}],
       "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}
      """;
  static final String TOOL_COMPLETION = """
      {"id":"chatcmpl-2","object":"chat.completion","created":1700000001,"model":"gpt-4o",
       "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[
         {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
         {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
         "logprobs":null,"finish_reason":"tool_calls"},
        {"index":1,"message":{"role":"assistant","content":"%s","refusal":null},"logprobs":null,"finish_reason":"length"}],
       "usage":{"prompt_tokens":20,"completion_tokens":30,"total_tokens":50}}
      """.formatted("x".repeat(2500) + "\\ud83d\\ude00" + "y".repeat(10));

  static Vertx vertx;
  MemoryCacheStoreTest.ManualClock clock;
  ResponseCache cache;
  AtomicInteger upstreamCalls;
  String upstreamAnswer;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @BeforeEach
  void setUp() {
    clock = new MemoryCacheStoreTest.ManualClock();
    cache = new ResponseCache("response-cache", new MemoryCacheStore(100, Duration.ofSeconds(300), clock), 64 * 1024, vertx);
    upstreamCalls = new AtomicInteger();
    upstreamAnswer = COMPLETION;
  }

  final Plugin.Chain upstream = ex -> {
    upstreamCalls.incrementAndGet();
    return Future.succeededFuture(new Outcome(new UpstreamResponse.Complete(Buffer.buffer(upstreamAnswer), "up-1"), null, 1));
  };

  static ObjectNode request(String text) {
    ObjectNode body = Json.object().put("model", "gpt-4o").put("temperature", 0);
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    return body;
  }

  static Exchange exchange(ObjectNode body, String... headers) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    return Exchanges.of(Operation.CHAT, body, h);
  }

  static Finish finish(int status, Buffer bytes, ObjectNode error) {
    return new Finish(status, false, "openai", "oai", "gpt-4o", 1, 1, -1, null, bytes, error, PRICES);
  }

  /** Runs the plugin as the gateway does: handle, send the answer, then onFinish with how it went. */
  Outcome call(Exchange exchange) {
    Outcome outcome = cache.handle(exchange, upstream).result();
    Buffer body = ((UpstreamResponse.Complete) outcome.response()).body();
    cache.onFinish(exchange, finish(200, body, null));
    return outcome;
  }

  static String header(Exchange exchange) {
    return exchange.responseHeaders().get("x-switchboard-cache");
  }

  @Test
  void aBodyDeclaredBigIsKeyedOffTheLoopAndStillHits() throws Exception {
    String prompt = "x".repeat(1_000_000);
    String length = Long.toString(ResponseCache.KEY_ON_LOOP_BYTES + 1);
    assertThat(ResponseCache.keyOffLoop(exchange(request(prompt), "content-length", length))).isTrue();
    assertThat(ResponseCache.keyOffLoop(exchange(request("Hi"), "content-length", "180"))).isFalse();
    assertThat(ResponseCache.keyOffLoop(exchange(request("Hi")))).as("no length: keyed as before").isFalse();

    Exchange first = exchange(request(prompt), "content-length", length);
    Outcome miss = cache.handle(first, upstream).await(10, TimeUnit.SECONDS);
    cache.onFinish(first, finish(200, ((UpstreamResponse.Complete) miss.response()).body(), null));
    Exchange second = exchange(request(prompt), "content-length", length);
    Outcome hit = cache.handle(second, ex -> {
      throw new AssertionError("a hit must not go upstream");
    }).await(10, TimeUnit.SECONDS);

    assertThat(header(first)).isEqualTo("miss");
    assertThat(header(second)).isEqualTo("hit");
    assertThat(((UpstreamResponse.Complete) hit.response()).body().toString()).isEqualTo(COMPLETION);
    assertThat(upstreamCalls).hasValue(1);
  }

  @Test
  void secondIdenticalRequestIsAnsweredFromTheCache() {
    Exchange first = exchange(request("Hi"));
    Outcome miss = call(first);
    assertThat(header(first)).isEqualTo("miss");
    assertThat(miss.served()).isNull();
    assertThat(upstreamCalls).hasValue(1);

    clock.advance(Duration.ofSeconds(42));
    Exchange second = exchange(request("Hi"));
    Outcome hit = cache.handle(second, ex -> {
      throw new AssertionError("a hit must not go upstream");
    }).result();
    assertThat(header(second)).isEqualTo("hit");
    assertThat(second.responseHeaders().get("age")).isEqualTo("42");
    assertThat(hit.served()).isNull();
    assertThat(hit.attempts()).isZero();
    assertThat(((UpstreamResponse.Complete) hit.response()).body().toString()).isEqualTo(COMPLETION);

    Exchange other = exchange(request("Hi!"));
    call(other);
    assertThat(header(other)).isEqualTo("miss");
    assertThat(upstreamCalls).hasValue(2);
  }

  @Test
  void expiredAnswersAreNotServed() {
    call(exchange(request("Hi")));
    clock.advance(Duration.ofSeconds(300));
    Exchange late = exchange(request("Hi"));
    call(late);
    assertThat(header(late)).isEqualTo("miss");
    assertThat(upstreamCalls).hasValue(2);
  }

  @Test
  void anotherApiKeyNeverSeesYourAnswer() {
    Exchange alice = Exchanges.withKey(request("Hi"), "sk-alice");
    call(alice);
    Exchange bob = Exchanges.withKey(request("Hi"), "sk-bob");
    call(bob);
    assertThat(header(bob)).isEqualTo("miss");
    Exchange aliceAgain = Exchanges.withKey(request("Hi"), "sk-alice");
    call(aliceAgain);
    assertThat(header(aliceAgain)).isEqualTo("hit");
    assertThat(upstreamCalls).hasValue(2);
  }

  @Test
  void bypassNeitherReadsNorWrites() {
    for (String[] h : List.of(new String[] {"x-switchboard-cache", "bypass"}, new String[] {"x-switchboard-cache", "No-Store"},
        new String[] {"cache-control", "max-age=0, no-store"}, new String[] {"cache-control", "no-cache, no-store"})) {
      Exchange bypass = exchange(request("Hi"), h);
      call(bypass);
      assertThat(header(bypass)).as(h[1]).isEqualTo("bypass");
    }
    assertThat(upstreamCalls).hasValue(4);
    Exchange normal = exchange(request("Hi"));
    call(normal);
    assertThat(header(normal)).isEqualTo("miss");  // nothing was stored by the bypasses

    Exchange bypassAgain = exchange(request("Hi"), "x-switchboard-cache", "bypass");
    call(bypassAgain);
    assertThat(header(bypassAgain)).isEqualTo("bypass");
    assertThat(upstreamCalls).hasValue(6);  // an entry exists, and was not read
  }

  @Test
  void refreshSkipsTheLookupAndStoresTheFreshAnswer() {
    call(exchange(request("Hi")));
    for (String[] h : List.of(new String[] {"x-switchboard-cache", "refresh"}, new String[] {"x-switchboard-cache", "no-cache"},
        new String[] {"cache-control", "no-cache"})) {
      upstreamAnswer = COMPLETION.replace("Hello there!", "Fresh " + h[1]);
      Exchange refresh = exchange(request("Hi"), h);
      Outcome fresh = call(refresh);
      assertThat(header(refresh)).isEqualTo("refresh");
      assertThat(((UpstreamResponse.Complete) fresh.response()).body().toString()).contains("Fresh " + h[1]);

      Exchange after = exchange(request("Hi"));
      Outcome hit = call(after);
      assertThat(header(after)).isEqualTo("hit");
      assertThat(((UpstreamResponse.Complete) hit.response()).body().toString()).contains("Fresh " + h[1]);
    }
    assertThat(upstreamCalls).hasValue(4);
  }

  @Test
  void anUnknownDirectiveIsA400() {
    Future<Outcome> result;
    try {
      result = cache.handle(exchange(request("Hi"), "x-switchboard-cache", "sometimes"), upstream);
    } catch (ApiException e) {
      result = Future.failedFuture(e);
    }
    assertThat(result.cause()).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).contains("\"sometimes\" (expected: bypass, no-store, refresh or no-cache)");
    });
    assertThat(upstreamCalls).hasValue(0);
  }

  @Test
  void onlySuccessfulAnswersAreStored() {
    ObjectNode error = Json.object().put("message", "boom").put("type", "server_error");
    Exchange failed = exchange(request("Hi"));
    cache.handle(failed, upstream);
    cache.onFinish(failed, finish(502, null, error));
    Exchange left = exchange(request("Hi"));
    cache.handle(left, upstream);
    cache.onFinish(left, finish(Finish.CLIENT_CLOSED, null, error));
    Exchange erroredWith200 = exchange(request("Hi"));
    cache.handle(erroredWith200, upstream);
    cache.onFinish(erroredWith200, finish(200, Buffer.buffer(COMPLETION), error));

    Exchange next = exchange(request("Hi"));
    call(next);
    assertThat(header(next)).isEqualTo("miss");
    assertThat(upstreamCalls).hasValue(4);
  }

  @Test
  void answersLargerThanTheLimitAreNotStored() {
    cache = new ResponseCache("response-cache", new MemoryCacheStore(100, Duration.ofSeconds(300), clock),
        COMPLETION.length() - 1, vertx);
    call(exchange(request("Hi")));
    Exchange again = exchange(request("Hi"));
    call(again);
    assertThat(header(again)).isEqualTo("miss");
  }

  @Test
  void embeddingsAreCachedAndCompletionStreamsBypassed() {
    upstreamAnswer = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}]}";
    ObjectNode body = Json.object().put("model", "text-embedding-3-small").put("input", "hello");
    call(Exchanges.of(Operation.EMBEDDINGS, body.deepCopy(), MultiMap.caseInsensitiveMultiMap()));
    Exchange again = Exchanges.of(Operation.EMBEDDINGS, body.deepCopy(), MultiMap.caseInsensitiveMultiMap());
    assertThat(((UpstreamResponse.Complete) call(again).response()).body().toString()).isEqualTo(upstreamAnswer);
    assertThat(header(again)).isEqualTo("hit");

    Exchange legacyStream = Exchanges.of(Operation.COMPLETIONS,
        Json.object().put("model", "gpt-3.5-turbo-instruct").put("prompt", "hi").put("stream", true),
        MultiMap.caseInsensitiveMultiMap());
    cache.handle(legacyStream, upstream);
    assertThat(header(legacyStream)).isEqualTo("bypass");
  }

  @Test
  void aStoreThatFailsIsAMissNeverAFailedRequest() {
    AtomicInteger puts = new AtomicInteger();
    cache = new ResponseCache("response-cache", new CacheStore() {
      @Override
      public Future<Hit> get(String key) {
        return Future.failedFuture(new IllegalStateException("Connection refused"));
      }

      @Override
      public Future<Void> put(String key, Buffer body) {
        puts.incrementAndGet();
        return Future.failedFuture(new IllegalStateException("Connection refused"));
      }
    }, 64 * 1024, vertx);
    Exchange exchange = exchange(request("Hi"));
    Outcome outcome = call(exchange);
    assertThat(header(exchange)).isEqualTo("miss");
    assertThat(((UpstreamResponse.Complete) outcome.response()).body().toString()).isEqualTo(COMPLETION);
    assertThat(upstreamCalls).hasValue(1);
    assertThat(puts).hasValue(1);
  }

  // --- streams ---

  /** Everything a stream sends (first chunk included), as the relay would write it. */
  static List<Buffer> drain(UpstreamStream stream) throws Exception {
    List<Buffer> out = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      out.add(stream.first());
      stream.start(out::add, end -> done.complete(null), done::completeExceptionally);
    });
    done.get(10, TimeUnit.SECONDS);
    return out;
  }

  static List<JsonNode> chunks(List<Buffer> sse, List<String> raw) {
    List<JsonNode> out = new ArrayList<>();
    SseDecoder decoder = new SseDecoder((SseEvent e) -> {
      raw.add(e.data());
      if (!e.data().equals("[DONE]")) {
        out.add(Json.parseOrNull(Buffer.buffer(e.data())));
      }
    });
    sse.forEach(decoder::feed);
    decoder.end();
    return out;
  }

  static ObjectNode reassemble(List<Buffer> sse) {
    ChatStreamAssembler assembler = new ChatStreamAssembler();
    sse.forEach(assembler::feed);
    assembler.end();
    assertThat(assembler.done()).isTrue();
    return assembler.completion();
  }

  /** Checks one event against the shape of OpenAI's chat.completion.chunk. */
  static void assertOpenAiChunk(JsonNode chunk, ObjectNode completion) {
    assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(chunk.path("id").asText()).isEqualTo(completion.path("id").asText());
    assertThat(chunk.path("created").isIntegralNumber()).isTrue();
    assertThat(chunk.path("created").asLong()).isEqualTo(completion.path("created").asLong());
    assertThat(chunk.path("model").asText()).isEqualTo(completion.path("model").asText());
    assertThat(chunk.path("choices").isArray()).isTrue();
    for (JsonNode choice : chunk.path("choices")) {
      assertThat(choice.path("index").isInt()).isTrue();
      assertThat(choice.path("delta").isObject()).isTrue();
      assertThat(choice.has("finish_reason")).isTrue();
      JsonNode finish = choice.get("finish_reason");
      assertThat(finish.isNull() || List.of("stop", "length", "tool_calls", "content_filter", "function_call")
          .contains(finish.asText())).isTrue();
      for (JsonNode call : choice.path("delta").path("tool_calls")) {
        assertThat(call.path("index").isInt()).isTrue();
      }
    }
    if (chunk.path("choices").isEmpty()) {
      assertThat(chunk.path("usage").isObject()).isTrue();
    }
  }

  Outcome storeThenStream(String completion, boolean includeUsage) {
    upstreamAnswer = completion;
    call(exchange(request("weather?")));
    ObjectNode body = request("weather?").put("stream", true);
    if (includeUsage) {
      body.putObject("stream_options").put("include_usage", true);
    }
    Exchange streaming = exchange(body);
    Outcome hit = cache.handle(streaming, upstream).result();
    assertThat(header(streaming)).isEqualTo("hit");
    assertThat(hit.served()).isNull();
    assertThat(hit.attempts()).isZero();
    assertThat(upstreamCalls).hasValue(1);
    return hit;
  }

  @Test
  void aCachedAnswerReplaysAsOpenAiChunksThatReassembleToIt() throws Exception {
    Outcome hit = storeThenStream(TOOL_COMPLETION, true);
    List<Buffer> sse = drain(((UpstreamResponse.Streaming) hit.response()).stream());
    assertThat(sse.size()).isGreaterThan(5);  // several buffers, so backpressure has something to act on

    ObjectNode stored = (ObjectNode) Json.parseOrNull(Buffer.buffer(TOOL_COMPLETION));
    List<String> raw = new ArrayList<>();
    List<JsonNode> chunks = chunks(sse, raw);
    assertThat(raw.getLast()).isEqualTo("[DONE]");
    chunks.forEach(c -> assertOpenAiChunk(c, stored));
    assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(chunks.getLast().path("choices")).isEmpty();
    assertThat(chunks.getLast().path("usage")).isEqualTo(stored.get("usage"));
    assertThat(chunks.stream().filter(c -> c.has("usage"))).hasSize(1);
    long contentChunks = chunks.stream().filter(c -> c.at("/choices/0/delta/content").isTextual()
        && !c.at("/choices/0/delta/content").asText().isEmpty()).count();
    assertThat(contentChunks).isEqualTo(3);  // 2512 characters in pieces of at most 1024

    ObjectNode rebuilt = reassemble(sse);
    assertThat(rebuilt.get("choices")).isEqualTo(stored.get("choices"));
    assertThat(rebuilt.get("usage")).isEqualTo(stored.get("usage"));
    assertThat(rebuilt.path("id")).isEqualTo(stored.path("id"));
  }

  @Test
  void theReplayWaitsForAPausedClient() throws Exception {
    Outcome hit = storeThenStream(TOOL_COMPLETION, false);
    UpstreamStream stream = ((UpstreamResponse.Streaming) hit.response()).stream();
    List<Buffer> got = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean slowClient = new java.util.concurrent.atomic.AtomicBoolean(true);
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(v -> stream.start(data -> {
      got.add(data);
      if (slowClient.get()) {
        stream.pause();  // as the relay does when the client's write queue is full
      }
    }, end -> done.complete(null), done::completeExceptionally));
    Thread.sleep(200);
    assertThat(got).hasSize(1);
    assertThat(done).isNotDone();

    slowClient.set(false);
    vertx.runOnContext(v -> stream.resume());
    done.get(5, TimeUnit.SECONDS);
    List<Buffer> all = new ArrayList<>();
    all.add(stream.first());
    all.addAll(got);
    assertThat(got.size()).isGreaterThan(5);
    assertThat(reassemble(all).get("choices"))
        .isEqualTo(Json.parseOrNull(Buffer.buffer(TOOL_COMPLETION)).get("choices"));
  }

  @Test
  void theUsageChunkOnlyWhenAsked() throws Exception {
    Outcome hit = storeThenStream(COMPLETION, false);
    List<Buffer> sse = drain(((UpstreamResponse.Streaming) hit.response()).stream());
    List<String> raw = new ArrayList<>();
    List<JsonNode> chunks = chunks(sse, raw);
    assertThat(chunks).noneMatch(c -> c.has("usage"));
    assertThat(chunks).extracting(c -> c.at("/choices/0/delta").toString())
        .containsExactly("{\"role\":\"assistant\",\"content\":\"\"}", "{\"content\":\"Hello there!\"}", "{}");
    assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(chunks).allSatisfy(c -> assertThat(c.path("system_fingerprint").asText()).isEqualTo("fp_1"));
    assertThat(raw).last().isEqualTo("[DONE]");
    ObjectNode rebuilt = reassemble(sse);
    assertThat(rebuilt.at("/choices/0/message/content").asText()).isEqualTo("Hello there!");
    assertThat(rebuilt.has("usage")).isFalse();
  }

  static final List<String> STREAM = List.of(
      "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1700000002,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
      "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1700000002,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Streamed \"},\"finish_reason\":null}]}",
      "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1700000002,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"answer\"},\"finish_reason\":null}]}",
      "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1700000002,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");

  /**
   * A stream miss: the upstream streams {@code events}, the client reads them, onFinish hears how it went (an
   * in-band error event still ends as a relay success: only the bytes tell).
   */
  void streamMiss(List<Buffer> events) throws Exception {
    Exchange exchange = exchange(request("stream me").put("stream", true));
    Plugin.Chain streaming = ex -> {
      upstreamCalls.incrementAndGet();
      MemoryReadStream source = new MemoryReadStream(vertx.getOrCreateContext(), events.subList(1, events.size()));
      source.pause();
      return Future.succeededFuture(new Outcome(new UpstreamResponse.Streaming(
          new UpstreamStream(events.getFirst(), source, new OpenAiSseCheck(), source::pause), null), null, 1));
    };
    Outcome outcome = cache.handle(exchange, streaming).result();
    assertThat(header(exchange)).isEqualTo("miss");
    List<Buffer> sse;
    ObjectNode errorBody = null;
    try {
      sse = drain(((UpstreamResponse.Streaming) outcome.response()).stream());
    } catch (java.util.concurrent.ExecutionException e) {
      sse = List.of();
      errorBody = Json.object().put("message", "truncated").put("type", "api_error");
    }
    ChatStreamAssembler assembler = new ChatStreamAssembler();
    sse.forEach(assembler::feed);
    assembler.end();
    cache.onFinish(exchange, new Finish(200, true, "openai", "oai", "gpt-4o", 1, 1, 1, assembler.completion(), null,
        errorBody, PRICES));
  }

  static List<Buffer> sse(List<String> events, boolean done) {
    List<Buffer> out = new ArrayList<>();
    events.forEach(e -> out.add(SseEncoder.data(e)));
    if (done) {
      out.add(SseEncoder.done());
    }
    return out;
  }

  @Test
  void aCompletedStreamIsStoredAndServesALaterNonStreamRequest() throws Exception {
    streamMiss(sse(STREAM, true));
    Exchange plain = exchange(request("stream me"));
    Outcome hit = cache.handle(plain, upstream).result();
    assertThat(header(plain)).isEqualTo("hit");
    JsonNode body = Json.parseOrNull(((UpstreamResponse.Complete) hit.response()).body());
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Streamed answer");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(upstreamCalls).hasValue(1);
  }

  @Test
  void streamsThatDidNotCompleteAreNotStored() throws Exception {
    streamMiss(sse(STREAM, false));  // cut before [DONE]: the check turns it into an error
    List<String> withError = new ArrayList<>(STREAM.subList(0, 2));
    withError.add("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
    streamMiss(sse(withError, true));  // an in-band error event, even followed by [DONE]

    Exchange plain = exchange(request("stream me"));
    call(plain);
    assertThat(header(plain)).isEqualTo("miss");
    assertThat(upstreamCalls).hasValue(3);
  }
}
