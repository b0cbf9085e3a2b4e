package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.server.GatewayServer;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real gateway, started in-process, driven by the official openai-java client against mock
 * providers that replay recorded OpenAI and Anthropic traffic.
 */
@Timeout(30)
class GatewayOpenAiJavaE2eTest {
  static final String OPENAI_STREAM = "/providers/openai/openai-python-inline-snapshot/"
      + "4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin";
  static final String OPENAI_TEXT = "/providers/openai/vercel-ai/openai-text.json";
  static final String ANTHROPIC_TEXT = "/providers/anthropic/vercel-ai/anthropic-text.json";
  static final String ANTHROPIC_STREAM = "/providers/anthropic/anthropic-sdk-python/basic_response.txt";
  static final String ANTHROPIC_TOOL_STREAM = "/providers/anthropic/vercel-ai/anthropic-tool-no-args.chunks.txt";

  static MockUpstream openai;
  static MockUpstream anthropic;
  static GatewayServer gateway;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    openai = new MockUpstream();
    anthropic = new MockUpstream();
    String config = """
        server: {port: 0, host: 127.0.0.1}
        providers:
          - {key: oai, provider: openai, api_key: sk-upstream-oai, base_url: "%s/v1", timeout: 3s}
          - {key: claude, provider: anthropic, api_key: sk-ant-upstream, base_url: "%s", timeout: 3s}
        strategy: {mode: fallback}
        targets:
          - virtual_key: oai
            retry: {attempts: 3, retry_on_status: [429, 502, 503, 504], initial_backoff_ms: 5, max_backoff_ms: 20}
          - virtual_key: claude
            model_map: {gpt-4o-fallback: claude-3-5-haiku-latest}
        aliases: {fast: gpt-4o-mini}
        """.formatted(openai.url(), anthropic.url());
    gateway = GatewayServer.start(ConfigLoader.parse(config, Map.of())).await(10, TimeUnit.SECONDS);
    client = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
        .apiKey("sk-client-key-not-for-upstream")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(15))
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
    openai.close();
    anthropic.close();
  }

  @BeforeEach
  void clean() {
    openai.reset();
    anthropic.reset();
  }

  @AfterEach
  void noUnusedScript() {
    openai.always(MockUpstream.status(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}"));
  }

  static ChatCompletionCreateParams.Builder chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Hello!");
  }

  @Test
  void passthroughKeepsUnknownFieldsAndUsesTheGatewaysKey() {
    String recorded = resource(OPENAI_TEXT);
    openai.then(json(200, recorded));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat("gpt-4o")
        .putAdditionalBodyProperty("some_future_param", JsonValue.from(Map.of("x", 1, "y", List.of(true, 2.50))))
        .temperature(0.7)
        .build());
    ChatCompletion completion = raw.parse();

    JsonNode expected = Json.parseOrNull(Buffer.buffer(recorded));
    assertThat(completion.choices().getFirst().message().content())
        .contains(expected.at("/choices/0/message/content").asText());
    assertThat(completion.id()).isEqualTo(expected.get("id").asText());
    assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("openai");
    assertThat(raw.headers().values("x-switchboard-target")).containsExactly("oai");
    assertThat(raw.headers().values("x-switchboard-attempts")).containsExactly("1");
    assertThat(raw.headers().values("x-request-id")).singleElement().asString().startsWith("req_");

    MockUpstream.Received sent = openai.received().getFirst();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-upstream-oai");
    assertThat(sent.body().get("some_future_param"))
        .isEqualTo(Json.parseOrNull(Buffer.buffer("{\"x\":1,\"y\":[true,2.5]}")));
    assertThat(sent.body().get("temperature").decimalValue()).isEqualByComparingTo("0.7");
    assertThat(sent.body().get("messages").size()).isEqualTo(2);
  }

  @Test
  void passthroughStreamArrivesChunkByChunk() {
    List<String> events = MockUpstream.rawEvents(resource(OPENAI_STREAM));
    openai.then(MockUpstream.sse(events));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("gpt-4o").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunks::add);
    }

    String expectedText = events.stream()
        .filter(e -> e.startsWith("data: {"))
        .map(e -> Json.parseOrNull(Buffer.buffer(e.substring(6).trim())).at("/choices/0/delta/content").asText(""))
        .collect(Collectors.joining());
    String text = chunks.stream().flatMap(c -> c.choices().stream())
        .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
    assertThat(text).isEqualTo(expectedText).isNotEmpty();
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(79));
    assertThat(openai.received().getFirst().body().get("stream").asBoolean()).isTrue();
  }

  @Test
  void claudeModelsAreTranslatedBothWays() {
    anthropic.then(json(200, resource(ANTHROPIC_TEXT)));

    ChatCompletion completion = client.chat().completions().create(chat("claude-sonnet-4-5").stop("END").user("u-42").build());

    assertThat(completion.choices().getFirst().message().content())
        .contains("Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?");
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(12);
      assertThat(u.completionTokens()).isEqualTo(29);
    });
    MockUpstream.Received sent = anthropic.received().getFirst();
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.headers().get("x-api-key")).isEqualTo("sk-ant-upstream");
    assertThat(sent.headers().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.headers().get("authorization")).isNull();
    assertThat(sent.body().get("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(sent.body().get("system").asText()).isEqualTo("Be brief.");
    assertThat(sent.body().get("max_tokens").asInt()).isPositive();
    assertThat(sent.body().get("stop_sequences").toString()).isEqualTo("[\"END\"]");
    assertThat(sent.body().at("/metadata/user_id").asText()).isEqualTo("u-42");
    JsonNode messages = sent.body().get("messages");
    assertThat(messages.size()).isEqualTo(1);
    assertThat(messages.at("/0/role").asText()).isEqualTo("user");
    JsonNode content = messages.at("/0/content");
    assertThat(content.isTextual() ? content.asText() : content.at("/0/text").asText()).isEqualTo("Hello!");
    assertThat(openai.received()).isEmpty();
  }

  @Test
  void claudeStreamsBecomeOpenAiChunksWithUsage() {
    anthropic.then(MockUpstream.sse(MockUpstream.rawEvents(resource(ANTHROPIC_STREAM))));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("anthropic/claude-3-opus-latest")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunks::add);
    }
    String text = chunks.stream().flatMap(c -> c.choices().stream())
        .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
    assertThat(text).isEqualTo("Hello there!");
    assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.finishReason()).flatMap(java.util.Optional::stream))
        .containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(chunks.getLast().choices()).isEmpty();
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(11);
      assertThat(u.completionTokens()).isEqualTo(6);
    });
    assertThat(anthropic.received().getFirst().body().get("model").asText()).isEqualTo("claude-3-opus-latest");
    assertThat(anthropic.received().getFirst().body().get("stream").asBoolean()).isTrue();
  }

  @Test
  void claudeToolCallsStreamAsToolCallDeltas() {
    anthropic.then(MockUpstream.sse(MockUpstream.anthropicEventsFromChunks(resource(ANTHROPIC_TOOL_STREAM))));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("claude-sonnet-4-5").build())) {
      stream.stream().forEach(chunks::add);
    }
    var toolCalls = chunks.stream().flatMap(c -> c.choices().stream())
        .flatMap(c -> c.delta().toolCalls().stream().flatMap(List::stream)).toList();
    assertThat(toolCalls).isNotEmpty();
    assertThat(toolCalls.getFirst().id()).isPresent();
    assertThat(toolCalls.getFirst().function().flatMap(f -> f.name())).isPresent();
    String arguments = toolCalls.stream().map(t -> t.function().flatMap(f -> f.arguments()).orElse(""))
        .collect(Collectors.joining());
    assertThat(Json.parseOrNull(Buffer.buffer(arguments)).isObject()).isTrue();
    assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.finishReason()).flatMap(java.util.Optional::stream))
        .containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
  }

  @Test
  void retriesThenFallsOverAcrossProvidersThroughModelMap() {
    String unavailable = "{\"error\":{\"message\":\"upstream busy\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    openai.then(json(503, unavailable)).then(json(503, unavailable)).then(json(503, unavailable));
    anthropic.then(json(200, resource(ANTHROPIC_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
        .create(chat("gpt-4o-fallback").build());

    assertThat(raw.parse().choices().getFirst().message().content()).hasValueSatisfying(c -> assertThat(c).startsWith("Hello!"));
    assertThat(openai.received()).hasSize(3);
    assertThat(anthropic.received()).hasSize(1);
    assertThat(anthropic.received().getFirst().body().get("model").asText()).isEqualTo("claude-3-5-haiku-latest");
    assertThat(raw.headers().values("x-switchboard-attempts")).containsExactly("4");
    assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("anthropic");
  }

  @Test
  void aStreamAnsweredWithPlainJsonFailsOverBeforeTheFirstByte() {
    openai.then(json(200, resource(OPENAI_TEXT)));  // a server that ignored stream=true
    anthropic.then(MockUpstream.sse(MockUpstream.rawEvents(resource(ANTHROPIC_STREAM))));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("gpt-4o-fallback").build())) {
      stream.stream().forEach(chunks::add);
    }
    String text = chunks.stream().flatMap(c -> c.choices().stream())
        .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
    assertThat(text).isEqualTo("Hello there!");
    assertThat(openai.received()).hasSize(1);
    assertThat(anthropic.received()).hasSize(1);
  }

  @Test
  void retryAfterIsHonoured() {
    openai.then(MockUpstream.withHeader("retry-after", "1",
        json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
    openai.then(json(200, resource(OPENAI_TEXT)));

    long start = System.nanoTime();
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat("fast").build());
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(raw.parse().id()).isEqualTo("chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU");
    assertThat(elapsedMs).isGreaterThanOrEqualTo(1000);
    assertThat(openai.received()).hasSize(2);
    assertThat(openai.received()).allSatisfy(r -> assertThat(r.body().get("model").asText()).isEqualTo("gpt-4o-mini"));
    assertThat(raw.headers().values("x-switchboard-attempts")).containsExactly("2");
  }

  @Test
  void clientErrorsFromTheUpstreamAreNotRetried() {
    openai.then(json(400, "{\"error\":{\"message\":\"Invalid value for 'temperature'.\",\"type\":\"invalid_request_error\","
        + "\"param\":\"temperature\",\"code\":\"invalid_value\"}}"));

    assertThatThrownBy(() -> client.chat().completions().create(chat("gpt-4o").build()))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.param()).contains("temperature");
          assertThat(e.code()).contains("invalid_value");
        });
    assertThat(openai.received()).hasSize(1);
    assertThat(anthropic.received()).isEmpty();
  }

  @Test
  void anthropicErrorsKeepTheirStatusInOpenAiShape() {
    anthropic.then(json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));

    assertThatThrownBy(() -> client.chat().completions().create(chat("claude-3-5-haiku-latest").build()))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(529);
          assertThat(e.getMessage()).contains("Overloaded");
          assertThat(e.body().toString()).doesNotContain("sk-ant-upstream");
        });
  }

  @Test
  void unknownModelIs404ModelNotFound() {
    assertThatThrownBy(() -> client.chat().completions().create(chat("llama-3-70b").build()))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.code()).contains("model_not_found");
          assertThat(e.param()).contains("model");
        });
    assertThat(openai.received()).isEmpty();
  }

  @Test
  void streamCutByTheUpstreamEndsWithAnErrorNotAHang() {
    List<String> events = MockUpstream.rawEvents(resource(OPENAI_STREAM));
    openai.then(MockUpstream.sseThenCut(events, 3, true));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    assertThatThrownBy(() -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("gpt-4o").build())) {
        stream.stream().forEach(chunks::add);
      }
    }).isInstanceOf(RuntimeException.class);
    assertThat(chunks).hasSize(3);
  }

  @Test
  void upstreamTimeoutFailsOverAndThenAnswers504() {
    openai.then(MockUpstream.hang()).then(MockUpstream.hang()).then(MockUpstream.hang());

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.chat().completions().create(chat("gpt-4o").build()))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(504);
          assertThat(e.code()).contains("upstream_timeout");
        });
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(9000L, 14000L);
    assertThat(openai.received()).hasSize(3);
  }

  @Test
  void embeddingsPassThroughInTheClientsDefaultBase64() {
    openai.then((req, body) -> {
      // The official client asks for base64; answer as OpenAI does, little-endian float32.
      java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      bytes.putFloat(0.25f).putFloat(-1.5f).putFloat(3f);
      String b64 = java.util.Base64.getEncoder().encodeToString(bytes.array());
      req.response().putHeader("content-type", "application/json").end("{\"object\":\"list\",\"data\":[{\"object\":"
          + "\"embedding\",\"index\":0,\"embedding\":\"" + b64 + "\"}],\"model\":\"text-embedding-3-small\","
          + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}");
    });

    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("hello world").build());

    assertThat(response.data().getFirst().embedding()).containsExactly(0.25f, -1.5f, 3f);
    MockUpstream.Received sent = openai.received().getFirst();
    assertThat(sent.path()).isEqualTo("/v1/embeddings");
    assertThat(sent.body().get("encoding_format").asText()).isEqualTo("base64");
  }
}
