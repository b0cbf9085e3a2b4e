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
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.switchboard.api.Json;
import io.switchboard.provider.bedrock.EventStreamFrames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real gateway with a bedrock provider, driven by the official openai-java client against a mock
 * speaking Bedrock Runtime's wire format, which checks every request's SigV4 signature.
 */
@Timeout(60)
class BedrockE2eTest extends E2eResources {
  static final String FIXTURES = "/providers/bedrock/vercel-ai/";
  static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  static final String REGION = "us-west-2";

  MockBedrock bedrock;

  OpenAIClient client(boolean bearer) throws Exception {
    bedrock = new MockBedrock(REGION);
    closing.add(bedrock);
    String credentials = bearer ? "api_key: " + MockBedrock.BEARER
        : "aws_access_key_id: " + MockBedrock.ACCESS_KEY + ", aws_secret_access_key: \"" + MockBedrock.SECRET_KEY + "\"";
    int port = gateway("""
        providers:
          - {key: aws, provider: bedrock, region: %s, %s, base_url: "%s", timeout: 5s}
        """.formatted(REGION, credentials, bedrock.url()));
    return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-client")
        .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  static ChatCompletionCreateParams.Builder chat(String text) {
    return ChatCompletionCreateParams.builder().model(MODEL).addSystemMessage("Be brief.").addUserMessage(text)
        .maxCompletionTokens(200).temperature(0.5);
  }

  @Test
  void converseWithSigV4() throws Exception {
    OpenAIClient client = client(false);
    bedrock.then(MockBedrock.json(resource(FIXTURES + "amazon-bedrock-text.json")));

    ChatCompletion completion = client.chat().completions().create(chat("How many r in strawberry?").build());

    JsonNode recorded = Json.parse(resource(FIXTURES + "amazon-bedrock-text.json"));
    assertThat(completion.choices().getFirst().message().content())
        .contains(recorded.path("output").path("message").path("content").get(0).path("text").asText());
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(22);
    assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(57);
    assertThat(completion.model()).isEqualTo(MODEL);

    MockBedrock.Received request = bedrock.received.getFirst();
    assertThat(request.auth()).isEqualTo("ok sigv4");
    assertThat(request.path()).isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
    assertThat(request.headers().get("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        .contains("/us-west-2/bedrock/aws4_request, SignedHeaders=")
        .doesNotContain(MockBedrock.SECRET_KEY);
    assertThat(request.body()).isEqualTo(Json.parse("""
        {"messages":[{"role":"user","content":[{"text":"How many r in strawberry?"}]}],
         "system":[{"text":"Be brief."}],"inferenceConfig":{"maxTokens":200,"temperature":0.5}}"""));
  }

  @Test
  void converseStreamWithBinaryFramesSplitAcrossWrites() throws Exception {
    OpenAIClient client = client(false);
    bedrock.then(MockBedrock.eventStream(resource(FIXTURES + "amazon-bedrock-text.chunks.txt"), 7));

    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("How many r in strawberry?").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build())) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(c -> text.append(c.delta().content().orElse("")));
      });
    }

    StringBuilder recorded = new StringBuilder();
    for (String line : resource(FIXTURES + "amazon-bedrock-text.chunks.txt").lines().toList()) {
      recorded.append(Json.parse(line).path("contentBlockDelta").path("delta").path("text").asText(""));
    }
    assertThat(text.toString()).isEqualTo(recorded.toString());
    assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(55);
    assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c.finishReason().isPresent()).toList())
        .singleElement().satisfies(c -> assertThat(c.finishReason().orElseThrow())
            .isEqualTo(ChatCompletionChunk.Choice.FinishReason.STOP));
    MockBedrock.Received request = bedrock.received.getFirst();
    assertThat(request.operation()).isEqualTo("converse-stream");
    assertThat(request.auth()).isEqualTo("ok sigv4");
    assertThat(request.headers().get("Accept")).isEqualTo("application/vnd.amazon.eventstream");
  }

  @Test
  void toolCallsStreamedAndWhole() throws Exception {
    OpenAIClient client = client(false);
    bedrock.then(MockBedrock.json(resource(FIXTURES + "amazon-bedrock-tool-call.1.json")))
        .then(MockBedrock.eventStream(resource(FIXTURES + "amazon-bedrock-tool-call.1.chunks.txt"), 5));
    ChatCompletionCreateParams params = chat("List files").addTool(ChatCompletionFunctionTool.builder()
        .function(FunctionDefinition.builder().name("bash").description("Run a command")
            .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("command", Map.of("type", "string"))))
                .build())
            .build())
        .build()).build();

    ChatCompletion whole = client.chat().completions().create(params);
    var call = whole.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
    assertThat(call.id()).isEqualTo("tool-use-id");
    assertThat(call.function().name()).isEqualTo("bash");
    assertThat(Json.parse(call.function().arguments())).isEqualTo(Json.object().put("command", "ls -l"));
    assertThat(whole.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);

    StringBuilder arguments = new StringBuilder();
    List<String> names = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.delta().toolCalls().orElse(List.of()).stream())
          .forEach(t -> {
            assertThat(t.index()).isZero();
            t.function().flatMap(f -> f.name()).ifPresent(names::add);
            t.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
          });
    }
    assertThat(names).containsExactly("test-tool");
    assertThat(Json.parse(arguments.toString())).isEqualTo(Json.object().put("value", "Sparkle Day"));

    JsonNode sent = bedrock.received.getFirst().body();
    assertThat(sent.path("toolConfig").path("tools").get(0).path("toolSpec").path("name").asText()).isEqualTo("bash");
    assertThat(sent.path("toolConfig").path("tools").get(0).path("toolSpec").path("inputSchema").path("json")
        .path("properties").has("command")).isTrue();
  }

  @Test
  void throttlingBecomesA429RateLimitError() throws Exception {
    OpenAIClient client = client(false);
    bedrock.then(MockBedrock.error(429, "ThrottlingException", "Too many requests, please wait before trying again."));

    assertThatThrownBy(() -> client.chat().completions().create(chat("Hi").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.getMessage()).contains("Too many requests, please wait before trying again.");
          assertThat(e.code()).contains("ThrottlingException");
        });
  }

  @Test
  void throttlingExceptionInsideTheStreamFailsTheRequest() throws Exception {
    OpenAIClient client = client(false);
    bedrock.then(MockBedrock.eventStream(EventStreamFrames.exception("throttlingException",
        "{\"message\":\"Rate exceeded\"}"), 3));

    assertThatThrownBy(() -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("Hi").build())) {
        stream.stream().forEach(c -> {});
      }
    }).isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.getMessage()).contains("Rate exceeded"));
  }

  @Test
  void bearerTokenInsteadOfSigV4() throws Exception {
    OpenAIClient client = client(true);
    bedrock.then(MockBedrock.json(resource(FIXTURES + "amazon-bedrock-text.json")));

    client.chat().completions().create(chat("Hi").build());

    MockBedrock.Received request = bedrock.received.getFirst();
    assertThat(request.auth()).isEqualTo("ok bearer");
    assertThat(request.headers().contains("X-Amz-Date")).isFalse();
  }

  @Test
  void titanEmbeddingsOneInvokePerInput() throws Exception {
    OpenAIClient client = client(false);
    Map<String, String> answers = Map.of("first", "{\"embedding\":[0.5,-0.25,0.125],\"inputTextTokenCount\":3}",
        "second", "{\"embedding\":[1.0,0.0,-1.0],\"inputTextTokenCount\":4}");
    bedrock.then(MockBedrock.titan(answers)).then(MockBedrock.titan(answers));

    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("amazon.titan-embed-text-v2:0").inputOfArrayOfStrings(List.of("first", "second")).build());

    assertThat(response.data()).hasSize(2);
    assertThat(response.usage().promptTokens()).isEqualTo(7);
    assertThat(bedrock.operations()).containsExactly("invoke", "invoke");
    assertThat(bedrock.received).allSatisfy(r -> {
      assertThat(r.auth()).isEqualTo("ok sigv4");
      assertThat(r.path()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
    });
    List<String> inputs = bedrock.received.stream().map(r -> r.body().path("inputText").asText()).toList();
    assertThat(inputs).containsExactlyInAnyOrder("first", "second");
    // The client asks for base64 by default and decodes it: the vectors survive the round trip.
    List<List<Float>> vectors = response.data().stream().map(d -> d.embedding()).toList();
    assertThat(vectors).containsExactly(List.of(0.5f, -0.25f, 0.125f), List.of(1.0f, 0.0f, -1.0f));
  }
}
