package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real gateway, driven by the official openai-java client, in front of a stand-in speaking the Gemini API. */
@Timeout(30)
class GeminiE2eTest extends E2eResources {
  static final String FIXTURES = "/providers/gemini/vercel-ai/";
  static final String KEY = "AIzaSy-upstream-test-key-0123456789";

  GoogleMock google;
  OpenAIClient client;

  @BeforeEach
  void start() throws Exception {
    google = new GoogleMock();
    closing.add(google);
    int port = gateway("""
        providers:
          - {key: gem, provider: google-ai-studio, api_key: %s, base_url: "%s", timeout: 5s}
        """.formatted(KEY, google.url()));
    client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-client")
        .maxRetries(0).timeout(Duration.ofSeconds(15)).build();
    closing.add(client::close);
  }

  static ChatCompletionCreateParams.Builder chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Hello!");
  }

  @Test
  void chatIsTranslatedBothWaysAndTheKeyGoesInAHeader() {
    google.on(":generateContent", GoogleMock.json(200, resource(FIXTURES + "google-text.json")));

    ChatCompletion completion = client.chat().completions().create(chat("gemini-2.5-flash").temperature(0.3).build());

    assertThat(completion.choices().getFirst().message().content())
        .contains("There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(9);
      assertThat(u.completionTokens()).isEqualTo(28 + 244);
    });
    GoogleMock.Received sent = google.received().getFirst();
    assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(sent.query()).isNull();
    assertThat(sent.headers().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(sent.headers().get("authorization")).isNull();
    JsonNode body = sent.body();
    assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Be brief.");
    assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
    assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("Hello!");
    assertThat(body.at("/generationConfig/temperature").decimalValue()).isEqualByComparingTo("0.3");
  }

  @Test
  void streamsBecomeOpenAiChunksWithUsage() {
    google.on(":streamGenerateContent", GoogleMock.sse(resource(FIXTURES + "google-text.chunks.txt")));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("gemini-3-pro-preview")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunks::add);
    }

    String text = chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
        .collect(Collectors.joining());
    assertThat(text).isEqualTo("There are **3** \"r\"s in strawberry.\n\nst**r**awbe**rr**y");
    assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(ChatCompletionChunk.Choice::finishReason)
        .flatMap(java.util.Optional::stream)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(chunks.getLast().choices()).isEmpty();
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(9);
      assertThat(u.completionTokens()).isEqualTo(23 + 185);
      assertThat(u.totalTokens()).isEqualTo(217);
    });
    GoogleMock.Received sent = google.received().getFirst();
    assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-3-pro-preview:streamGenerateContent");
    assertThat(sent.query()).isEqualTo("alt=sse");
    assertThat(sent.headers().get("x-goog-api-key")).isEqualTo(KEY);
  }

  @Test
  void toolCallsAndTheirResultsRoundTrip() {
    google.on(":generateContent", GoogleMock.json(200, resource(FIXTURES + "google-tool-call.json")));
    ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
        .name("weather").description("Weather in a city")
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("additionalProperties", JsonValue.from(false))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("location")))
            .build())
        .build()).build();

    ChatCompletion first = client.chat().completions().create(chat("gemini-3-pro-preview").addTool(weather).build());

    assertThat(first.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call = first.choices().getFirst().message().toolCalls().orElseThrow()
        .getFirst().asFunction();
    assertThat(call.function().name()).isEqualTo("weather");
    assertThat(Json.parseOrNull(Buffer.buffer(call.function().arguments())))
        .isEqualTo(Json.object().put("location", "San Francisco"));
    JsonNode declaration = google.received().getFirst().body().at("/tools/0/functionDeclarations/0");
    assertThat(declaration.path("name").asText()).isEqualTo("weather");
    assertThat(declaration.path("parameters").has("additionalProperties")).isFalse();
    assertThat(declaration.at("/parameters/properties/location/type").asText()).isEqualTo("STRING");

    google.on(":generateContent", GoogleMock.json(200, resource(FIXTURES + "google-text.json")));
    client.chat().completions().create(chat("gemini-3-pro-preview").addTool(weather)
        .addMessage(first.choices().getFirst().message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"tempC\":18}").build())
        .build());
    JsonNode contents = google.received().get(1).body().get("contents");
    assertThat(contents.at("/1/role").asText()).isEqualTo("model");
    assertThat(contents.at("/1/parts/0/functionCall/name").asText()).isEqualTo("weather");
    assertThat(contents.at("/1/parts/0/thoughtSignature").asText()).isNotEmpty();
    assertThat(contents.at("/2/parts/0/functionResponse")).isEqualTo(Json.parseOrNull(Buffer.buffer(
        "{\"name\":\"weather\",\"response\":{\"tempC\":18}}")));
  }

  @Test
  void rateLimitsReachTheClientAsRateLimitErrorsWithRetryAfter() {
    google.on(":generateContent", GoogleMock.json(429, resource(FIXTURES + "google-429-retry-info.json")));

    assertThatThrownBy(() -> client.chat().completions().create(chat("gemini-2.5-flash").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.getMessage()).contains("You exceeded your current quota, please check your plan.");
          assertThat(e.headers().values("retry-after")).containsExactly("35");
          assertThat(e.body().toString()).doesNotContain(KEY);
        });
  }

  @Test
  void embeddings() {
    google.on(":batchEmbedContents", GoogleMock.json(200,
        "{\"embeddings\":[{\"values\":[0.25,-0.5]},{\"values\":[1.0,0.0]}]}"));

    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("gemini-embedding-001").inputOfArrayOfStrings(List.of("one", "two")).dimensions(2L).build());

    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(0).embedding()).containsExactly(0.25f, -0.5f);
    assertThat(response.data().get(1).index()).isEqualTo(1);
    GoogleMock.Received sent = google.received().getFirst();
    assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    assertThat(sent.headers().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(sent.body().at("/requests/1/content/parts/0/text").asText()).isEqualTo("two");
    assertThat(sent.body().at("/requests/0/outputDimensionality").asInt()).isEqualTo(2);
  }
}
