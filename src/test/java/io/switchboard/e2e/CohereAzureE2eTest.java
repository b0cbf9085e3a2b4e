package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real gateway, driven by the official openai-java client, against mocks speaking Cohere's v2 API
 * (recorded vercel-ai responses and streams) and Azure OpenAI's deployment API (recorded OpenAI answers,
 * which Azure's are).
 */
@Timeout(30)
class CohereAzureE2eTest extends E2eResources {
  private static final String COHERE = "/providers/cohere/vercel-ai/";
  private static final String COHERE_KEY = "co-upstream-key-4711";
  private static final String AZURE_KEY = "az-upstream-key-0815";

  private static String resource(String path) {
    try (InputStream in = CohereAzureE2eTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OpenAIClient client(int port) {
    return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-client")
        .maxRetries(0).timeout(Duration.ofSeconds(15)).build();
  }

  // ---- Cohere ----

  /** Cohere's v2 API: bearer auth, /v2/chat (JSON or SSE by the body's stream flag), /v2/embed. */
  private NativeMock cohere() throws Exception {
    NativeMock mock = new NativeMock(CohereAzureE2eTest::cohereReply);
    closing.add(mock);
    return mock;
  }

  private static void cohereReply(HttpServerRequest req, Buffer body) {
    HttpServerResponse resp = req.response();
    if (!("Bearer " + COHERE_KEY).equals(req.getHeader("authorization"))) {
      resp.setStatusCode(401).putHeader("content-type", "application/json")
          .end("{\"id\":\"e1\",\"message\":\"invalid api token\"}");
      return;
    }
    JsonNode request = Json.parseOrNull(body);
    if (req.path().equals("/v2/embed")) {
      resp.putHeader("content-type", "application/json").end(resource(COHERE + "cohere-embedding.json"));
      return;
    }
    if (!req.path().equals("/v2/chat") || request == null || !request.has("model") || !request.has("messages")) {
      resp.setStatusCode(400).putHeader("content-type", "application/json")
          .end("{\"id\":\"e2\",\"message\":\"invalid request\"}");
      return;
    }
    String prompt = request.path("messages").get(request.path("messages").size() - 1).path("content").asText();
    if (prompt.contains("rate")) {
      resp.setStatusCode(429).putHeader("content-type", "application/json").putHeader("retry-after", "1")
          .end("{\"id\":\"e3\",\"message\":\"You are using a Trial key, which is limited to 20 API calls / minute.\"}");
      return;
    }
    boolean tools = request.has("tools");
    if (request.path("stream").asBoolean(false)) {
      String chunks = resource(COHERE + (tools ? "cohere-tool-call.chunks.txt" : "cohere-text.chunks.txt"));
      resp.setChunked(true).putHeader("content-type", "text/event-stream");
      for (String line : chunks.lines().filter(l -> !l.isBlank()).toList()) {
        String type = Json.parseOrNull(Buffer.buffer(line)).path("type").asText();
        resp.write("event: " + type + "\ndata: " + line + "\n\n");
      }
      resp.end();
      return;
    }
    resp.putHeader("content-type", "application/json")
        .end(resource(COHERE + (tools ? "cohere-tool-call.json" : "cohere-text.json")));
  }

  private int cohereGateway(NativeMock mock) throws Exception {
    return gateway("""
        providers:
          - {key: co, provider: cohere, api_key: %s, base_url: "%s", timeout: 3s}
        """.formatted(COHERE_KEY, mock.url()));
  }

  @Test
  void cohereChat() throws Exception {
    NativeMock mock = cohere();
    ChatCompletion completion = client(cohereGateway(mock)).chat().completions().create(
        ChatCompletionCreateParams.builder().model("command-a-03-2025").addSystemMessage("Be brief.")
            .addUserMessage("Capital of France?").maxCompletionTokens(50).topP(0.5).build());
    assertThat(completion.choices().getFirst().message().content()).contains("The capital of France is Paris.");
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(507);
    assertThat(completion.model()).isEqualTo("command-a-03-2025");

    NativeMock.Received sent = mock.received().getFirst();
    assertThat(sent.uri()).isEqualTo("/v2/chat");
    JsonNode body = Json.parse(sent.body());
    assertThat(body.path("model").asText()).isEqualTo("command-a-03-2025");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(50);
    assertThat(body.path("p").asDouble()).isEqualTo(0.5);
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer " + COHERE_KEY);
  }

  @Test
  void cohereStreamWithUsage() throws Exception {
    NativeMock mock = cohere();
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client(cohereGateway(mock)).chat().completions()
        .createStreaming(ChatCompletionCreateParams.builder().model("command-r").addUserMessage("Capital?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(c -> {
        chunks.add(c);
        c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text.toString()).isEqualTo("The capital of France is Paris.");
    assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(10);
    assertThat(Json.parse(mock.received().getFirst().body()).path("stream").asBoolean()).isTrue();
  }

  @Test
  void cohereToolCallWholeAndStreamed() throws Exception {
    NativeMock mock = cohere();
    OpenAIClient client = client(cohereGateway(mock));
    FunctionDefinition weather = FunctionDefinition.builder().name("weather")
        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
            .build()).build();
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("command-a-03-2025")
        .addUserMessage("Weather in SF and attractions?").addFunctionTool(weather).build();

    ChatCompletion completion = client.chat().completions().create(params);
    var calls = completion.choices().getFirst().message().toolCalls().orElseThrow();
    assertThat(calls).hasSize(2);
    assertThat(calls.getFirst().asFunction().function().name()).isEqualTo("weather");
    assertThat(calls.getFirst().asFunction().function().arguments()).isEqualTo("{\"location\":\"San Francisco\"}");
    assertThat(completion.choices().getFirst().finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    JsonNode sentTools = Json.parse(mock.received().getFirst().body()).path("tools");
    assertThat(sentTools.get(0).path("function").path("parameters").path("type").asText()).isEqualTo("object");

    Map<Long, StringBuilder> arguments = new java.util.TreeMap<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(tc -> tc.forEach(t ->
          arguments.computeIfAbsent(t.index(), k -> new StringBuilder())
              .append(t.function().flatMap(f -> f.arguments()).orElse(""))))));
    }
    assertThat(arguments.values()).extracting(StringBuilder::toString)
        .containsExactly("{\"location\": \"San Francisco\"}", "{\"city\": \"San Francisco\"}");
  }

  @Test
  void cohereRateLimitIsA429InOpenAiShape() throws Exception {
    NativeMock mock = cohere();
    OpenAIClient client = client(cohereGateway(mock));
    assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("command-r").addUserMessage("rate me").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.getMessage()).contains("Trial key").doesNotContain(COHERE_KEY);
        });
  }

  @Test
  void cohereEmbeddings() throws Exception {
    NativeMock mock = cohere();
    CreateEmbeddingResponse response = client(cohereGateway(mock)).embeddings().create(EmbeddingCreateParams.builder()
        .model("embed-english-v3.0").inputOfArrayOfStrings(List.of("sunny day at the beach", "rainy day in the city"))
        .build());
    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(0).embedding().getFirst()).isEqualTo(0.03302002f);
    JsonNode sent = Json.parse(mock.received().getFirst().body());
    assertThat(mock.received().getFirst().uri()).isEqualTo("/v2/embed");
    assertThat(sent.path("input_type").asText()).isEqualTo("search_document");
    assertThat(sent.path("texts")).hasSize(2);
  }

  // ---- Azure OpenAI ----

  private static final Pattern DEPLOYMENT =
      Pattern.compile("/openai/deployments/([^/]+)/(chat/completions|completions|embeddings)\\?api-version=(.+)");

  /** Azure's deployment API: only the deployment "prod-4o", api-version 2024-10-21, and the api-key header. */
  private NativeMock azure() throws Exception {
    NativeMock mock = new NativeMock((req, body) -> {
      HttpServerResponse resp = req.response().putHeader("content-type", "application/json");
      if (!AZURE_KEY.equals(req.getHeader("api-key"))) {
        resp.setStatusCode(401).end("{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid"
            + " subscription key or wrong API endpoint.\"}}");
        return;
      }
      Matcher m = DEPLOYMENT.matcher(req.uri());
      if (!m.matches() || !m.group(1).equals("prod-4o") || !m.group(3).equals("2024-10-21")) {
        resp.setStatusCode(404).end("{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment"
            + " for this resource does not exist.\"}}");
        return;
      }
      if (Json.parseOrNull(body).path("stream").asBoolean(false)) {
        resp.setChunked(true).putHeader("content-type", "text/event-stream");
        resp.end(Buffer.buffer(resource("/providers/openai/openai-python-inline-snapshot/"
            + "4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin")));
        return;
      }
      resp.end(resource("/providers/openai/vercel-ai/openai-text.json"));
    });
    closing.add(mock);
    return mock;
  }

  private int azureGateway(NativeMock mock) throws Exception {
    return gateway("""
        providers:
          - {key: az, provider: azure, api_key: %s, base_url: "%s", api_version: "2024-10-21", timeout: 3s}
        targets:
          - {virtual_key: az, model_map: {gpt-4o: prod-4o}}
        """.formatted(AZURE_KEY, mock.url()));
  }

  @Test
  void azureChatGoesToTheDeploymentWithTheApiKeyAndTheClientsBytes() throws Exception {
    NativeMock mock = azure();
    ChatCompletion completion = client(azureGateway(mock)).chat().completions().create(
        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hello").seed(3).build());
    JsonNode recorded = Json.parse(resource("/providers/openai/vercel-ai/openai-text.json"));
    assertThat(completion.id()).isEqualTo(recorded.path("id").asText());
    assertThat(completion.choices().getFirst().message().content().orElseThrow())
        .isEqualTo(recorded.path("choices").get(0).path("message").path("content").asText());
    NativeMock.Received sent = mock.received().getFirst();
    assertThat(sent.uri()).isEqualTo("/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21");
    assertThat(sent.headers().get("api-key")).isEqualTo(AZURE_KEY);
    assertThat(sent.headers().contains("authorization")).isFalse();
    JsonNode body = Json.parse(sent.body());
    assertThat(body.path("seed").asInt()).isEqualTo(3);
    assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("Hello");
  }

  @Test
  void azureStream() throws Exception {
    NativeMock mock = azure();
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = client(azureGateway(mock)).chat().completions()
        .createStreaming(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hi").build())) {
      stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isNotEmpty();
    assertThat(mock.received().getFirst().uri()).startsWith("/openai/deployments/prod-4o/chat/completions?");
  }

  @Test
  void azureWithAWrongKeyIsA401WithoutTheKey() throws Exception {
    NativeMock mock = azure();
    int port = gateway("""
        providers:
          - {key: az, provider: azure, api_key: wrong-key-123456, base_url: "%s"}
        targets:
          - {virtual_key: az, model_map: {gpt-4o: prod-4o}}
        """.formatted(mock.url()));
    assertThatThrownBy(() -> client(port).chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("Hi").build()))
        .isInstanceOfSatisfying(com.openai.errors.UnauthorizedException.class,
            e -> assertThat(e.getMessage()).contains("Access denied").doesNotContain("wrong-key-123456"));
  }
}
