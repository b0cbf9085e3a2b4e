package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.ReferenceGuideConfigTestAccess;
import io.switchboard.server.GatewayServer;
import io.switchboard.testing.GatewayProcess;
import io.switchboard.testing.Services;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The response cache in a real gateway: the reference guide's plugin block verbatim in front of a mock
 * OpenAI, driven by plain HTTP and by the official openai-java client; and two gateway processes sharing
 * one cache through the real Redis.
 */
@Timeout(60)
class ResponseCacheE2eTest {
  static final String OPENAI_TEXT = GatewayOpenAiJavaE2eTest.OPENAI_TEXT;
  static final String OPENAI_STREAM = GatewayOpenAiJavaE2eTest.OPENAI_STREAM;

  static MockUpstream openai;
  static GatewayServer gateway;
  static OpenAIClient client;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The Ferro ("After") part of the guide's caching block, exactly as the guide prints it. */
  static String guideCacheBlock() throws Exception {
    String block = ReferenceGuideConfigTestAccess.yamlBlocks().get(3);
    String after = block.substring(block.indexOf('\n', block.indexOf("# After")) + 1);
    assertThat(after).startsWith("plugins:\n  - name: response-cache\n").contains("max_age: 300").contains("max_entries: 1000");
    return after;
  }

  static String providers(String openaiUrl) {
    return """
        server: {port: 0, host: 127.0.0.1}
        providers:
          - {key: oai, provider: openai, api_key: sk-upstream-oai, base_url: "%s/v1", timeout: 5s}
        strategy: {mode: single}
        targets:
          - virtual_key: oai
        """.formatted(openaiUrl);
  }

  @BeforeAll
  static void start() throws Exception {
    openai = new MockUpstream();
    gateway = GatewayServer.start(ConfigLoader.parse(providers(openai.url()) + guideCacheBlock(), Map.of()))
        .await(10, TimeUnit.SECONDS);
    client = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
        .apiKey("sk-client-one")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(15))
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
    openai.close();
  }

  @BeforeEach
  void clean() {
    openai.reset();
  }

  @AfterEach
  void noUnusedScript() {
    openai.always(MockUpstream.status(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}"));
  }

  static String body(String text) {
    return "{\"model\":\"gpt-4o\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  static HttpResponse<String> post(int port, String apiKey, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("content-type", "application/json")
        .header("authorization", "Bearer " + apiKey)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String cacheHeader(HttpResponse<?> r) {
    return r.headers().firstValue("x-switchboard-cache").orElse(null);
  }

  @Test
  void theGuideBlockAnswersTheSecondIdenticalRequestFromTheCache() throws Exception {
    openai.then(json(200, resource(OPENAI_TEXT)));

    HttpResponse<String> first = post(gateway.port(), "sk-client-one", body("A holiday, please"));
    // same request, keys in another order
    HttpResponse<String> second = post(gateway.port(), "sk-client-one",
        "{\"messages\":[{\"content\":\"A holiday, please\",\"role\":\"user\"}],\"temperature\":0.0,\"model\":\"gpt-4o\"}");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(cacheHeader(first)).isEqualTo("miss");
    assertThat(first.headers().firstValue("x-switchboard-provider")).contains("openai");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(cacheHeader(second)).isEqualTo("hit");
    assertThat(second.headers().firstValue("age")).hasValueSatisfying(a -> assertThat(Long.parseLong(a)).isBetween(0L, 5L));
    assertThat(second.headers().firstValue("x-switchboard-provider")).isEmpty();
    assertThat(second.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(Json.parseOrNull(Buffer.buffer(second.body()))).isEqualTo(Json.parseOrNull(Buffer.buffer(first.body())));
    assertThat(openai.received()).hasSize(1);
  }

  @Test
  void anotherKeyMissesAndDirectivesAreHonoured() throws Exception {
    openai.always(json(200, resource(OPENAI_TEXT)));
    assertThat(cacheHeader(post(gateway.port(), "sk-client-one", body("scoped")))).isEqualTo("miss");
    assertThat(cacheHeader(post(gateway.port(), "sk-client-two", body("scoped")))).isEqualTo("miss");
    assertThat(cacheHeader(post(gateway.port(), "sk-client-two", body("scoped")))).isEqualTo("hit");
    assertThat(openai.received()).hasSize(2);

    assertThat(cacheHeader(post(gateway.port(), "sk-client-one", body("scoped"), "x-switchboard-cache", "bypass"))).isEqualTo("bypass");
    assertThat(cacheHeader(post(gateway.port(), "sk-client-one", body("scoped"), "cache-control", "no-cache"))).isEqualTo("refresh");
    assertThat(openai.received()).hasSize(4);
    assertThat(cacheHeader(post(gateway.port(), "sk-client-one", body("scoped")))).isEqualTo("hit");

    HttpResponse<String> bad = post(gateway.port(), "sk-client-one", body("scoped"), "x-switchboard-cache", "maybe");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Json.parseOrNull(Buffer.buffer(bad.body())).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(openai.received()).hasSize(4);
  }

  @Test
  void upstreamErrorsAreNotCached() throws Exception {
    openai.then(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"))
        .then(json(200, resource(OPENAI_TEXT)));
    HttpResponse<String> failed = post(gateway.port(), "sk-client-one", body("flaky"));
    HttpResponse<String> ok = post(gateway.port(), "sk-client-one", body("flaky"));
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(cacheHeader(failed)).isEqualTo("miss");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(cacheHeader(ok)).isEqualTo("miss");
    assertThat(openai.received()).hasSize(2);
  }

  static ChatCompletionCreateParams.Builder chat(String text) {
    return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage(text).temperature(0.0);
  }

  @Test
  void aStreamingRequestAfterANonStreamOneIsReplayedToTheOpenAiJavaClient() {
    openai.then(json(200, resource(OPENAI_TEXT)));
    ChatCompletion completion = client.chat().completions().create(chat("Invent a holiday").build());

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = client.chat().completions().withRawResponse()
        .createStreaming(chat("Invent a holiday")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      assertThat(raw.headers().values("x-switchboard-cache")).containsExactly("hit");
      assertThat(raw.headers().values("content-type")).singleElement().asString().startsWith("text/event-stream");
      try (StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
        stream.stream().forEach(chunks::add);
      }
    }

    String text = chunks.stream().flatMap(c -> c.choices().stream())
        .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
    assertThat(text).isEqualTo(completion.choices().getFirst().message().content().orElseThrow());
    assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
    assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo(completion.id()));
    assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(ChatCompletionChunk.Choice::finishReason)
        .flatMap(java.util.Optional::stream)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(16);
      assertThat(u.completionTokens()).isEqualTo(363);
    });
    assertThat(openai.received()).hasSize(1);
  }

  @Test
  void aStreamedAnswerServesALaterNonStreamRequest() {
    List<String> events = MockUpstream.rawEvents(resource(OPENAI_STREAM));
    openai.then(MockUpstream.sse(events));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("Stream a greeting").build())) {
      stream.stream().forEach(chunks::add);
    }
    String streamed = chunks.stream().flatMap(c -> c.choices().stream())
        .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
    assertThat(chunks).noneMatch(c -> c.usage().isPresent());  // the usage the gateway asked for was stripped

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
        .create(chat("Stream a greeting").build());
    assertThat(raw.headers().values("x-switchboard-cache")).containsExactly("hit");
    ChatCompletion cached = raw.parse();
    assertThat(cached.choices().getFirst().message().content()).contains(streamed);
    assertThat(streamed).isNotEmpty();
    assertThat(cached.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isPositive());
    assertThat(openai.received()).hasSize(1);
  }

  @Test
  void twoGatewayProcessesShareOneCacheThroughRedis() throws Exception {
    String redisUrl = Services.requireRedis();
    String prefix = "sbtest:cache:" + UUID.randomUUID() + ":";
    openai.always(json(200, resource(OPENAI_TEXT)));
    String config = providers(openai.url()) + """
        plugins:
          - name: response-cache
            type: transform
            stage: before_request
            config:
              max_age: 60s
              max_entries: 100
              backend: redis
              url: "${CACHE_REDIS_URL}"
              key_prefix: "%s"
        """.formatted(prefix);
    Path file = Files.createTempFile("switchboard-cache-", ".yaml");
    Files.writeString(file, config);
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, redisUrl);
    Map<String, String> env = Map.of("CACHE_REDIS_URL", redisUrl);
    try (GatewayProcess a = GatewayProcess.start(file, env); GatewayProcess b = GatewayProcess.start(file, env)) {
      HttpResponse<String> onA = post(a.port(), "sk-shared", body("shared across replicas"));
      assertThat(onA.statusCode()).isEqualTo(200);
      assertThat(cacheHeader(onA)).isEqualTo("miss");
      // The store happens after the answer was sent: wait for it to land before asking the other replica.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (zcard(redis, prefix + "lru") < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      HttpResponse<String> onB = post(b.port(), "sk-shared", body("shared across replicas"));
      assertThat(onB.statusCode()).isEqualTo(200);
      assertThat(cacheHeader(onB)).isEqualTo("hit");
      assertThat(Json.parseOrNull(Buffer.buffer(onB.body()))).isEqualTo(Json.parseOrNull(Buffer.buffer(onA.body())));
      HttpResponse<String> otherKeyOnB = post(b.port(), "sk-someone-else", body("shared across replicas"));
      assertThat(cacheHeader(otherKeyOnB)).isEqualTo("miss");
      assertThat(openai.received()).hasSize(2);
    } finally {
      Response keys = redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await(5, TimeUnit.SECONDS);
      for (Response k : keys) {
        redis.send(Request.cmd(Command.DEL).arg(k.toString())).await(5, TimeUnit.SECONDS);
      }
      redis.close();
      vertx.close().await(5, TimeUnit.SECONDS);
      Files.deleteIfExists(file);
    }
  }

  static long zcard(Redis redis, String key) throws Exception {
    return redis.send(Request.cmd(Command.ZCARD).arg(key)).await(5, TimeUnit.SECONDS).toLong();
  }
}
