package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import io.switchboard.api.Json;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mistral preset (a passthrough) with recorded Mistral answers and streams at its base URL: the official
 * openai-java client reads content, tool calls, finish reasons and usage, and receives the recorded bytes.
 * Mistral's tool calls lack OpenAI's {@code type} (whole answers) and {@code index} (stream deltas); the tests
 * pin what the client can and cannot read of them.
 */
@Timeout(30)
class MistralRecordedE2eTest extends E2eResources {
  static final String DIR = "/providers/mistral/vercel-ai/";

  MockUpstream mistral;
  OpenAIClient client;

  @BeforeEach
  void start() throws Exception {
    mistral = upstream();
    int port = gateway("""
        providers:
          - {key: mistral, provider: mistral, api_key: ms-key, base_url: "%s/v1"}
        """.formatted(mistral.url()));
    client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-client")
        .maxRetries(0).timeout(Duration.ofSeconds(15)).build();
    closing.add(client::close);
  }

  /** Each line of a vercel-ai {@code *.chunks.txt} framed as an SSE event, then {@code [DONE]}, as Mistral ends. */
  static List<String> events(String chunksFile) {
    List<String> events = new ArrayList<>(chunksFile.lines().filter(l -> !l.isBlank())
        .map(line -> "data: " + line + "\n\n").toList());
    events.add("data: [DONE]\n\n");
    return events;
  }

  static ChatCompletionCreateParams.Builder ask(String prompt) {
    return ChatCompletionCreateParams.builder().model("mistral-small-latest").addUserMessage(prompt);
  }

  static ChatCompletionCreateParams.Builder askWeather() {
    return ask("What is the weather in San Francisco?").addTool(ChatCompletionFunctionTool.builder()
        .function(FunctionDefinition.builder().name("weather")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                .build())
            .build())
        .build());
  }

  static String read(HttpResponseFor<?> response) throws IOException {
    try (response; InputStream body = response.body()) {
      return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void text() throws Exception {
    String recorded = resource(DIR + "mistral-text.json");
    mistral.always(MockUpstream.json(200, recorded));

    ChatCompletion completion = client.chat().completions().create(ask("Invent a new holiday").build());
    String bytes = read(client.chat().completions().withRawResponse().create(ask("Invent a new holiday").build()));

    assertThat(bytes).isEqualTo(recorded);
    assertThat(completion.id()).isEqualTo("5319bd0299614c679a0068a4f2c8ffd0");
    assertThat(completion.model()).isEqualTo("mistral-small-latest");
    ChatCompletion.Choice choice = completion.choices().getFirst();
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choice.message().content()).hasValueSatisfying(c -> assertThat(c)
        .startsWith("**Holiday Name: \"World Kindness Day of Sharing\"**\n\n")
        .contains("with others\u2014whether it's time")
        .endsWith("What would you share? \ud83d\ude0a"));
    assertThat(choice.message().toolCalls()).isEmpty();
    assertThat(completion.usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(13);
      assertThat(u.completionTokens()).isEqualTo(434);
      assertThat(u.totalTokens()).isEqualTo(447);
    });

    MockUpstream.Received sent = mistral.received().getFirst();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer ms-key");
    assertThat(sent.body().path("model").asText()).isEqualTo("mistral-small-latest");
  }

  @Test
  void toolCall() throws Exception {
    String recorded = resource(DIR + "mistral-tool-call.json");
    mistral.always(MockUpstream.json(200, recorded));

    ChatCompletion completion = client.chat().completions().create(askWeather().build());
    String bytes = read(client.chat().completions().withRawResponse().create(askWeather().build()));

    // Mistral leaves out the call's "type":"function", without which openai-java cannot read it as a function
    // call; the preset's repair_tool_calls adds it, and the rest of the answer is the recording's.
    ObjectNode expected = (ObjectNode) Json.parse(recorded);
    ((ObjectNode) expected.at("/choices/0/message/tool_calls/0")).put("type", "function");
    assertThat(Json.parse(bytes)).isEqualTo(expected);
    ChatCompletion.Choice choice = completion.choices().getFirst();
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
    assertThat(call.id()).isEqualTo("gSIMJiOkT");
    assertThat(call.function().name()).isEqualTo("weather");
    assertThat(call.function().arguments()).isEqualTo("{\"location\": \"San Francisco\"}");
    assertThat(completion.usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(124);
      assertThat(u.completionTokens()).isEqualTo(22);
      assertThat(u.totalTokens()).isEqualTo(146);
    });
    assertThat(mistral.received().getFirst().body().at("/tools/0/function/name").asText()).isEqualTo("weather");
  }

  @Test
  void textStream() throws Exception {
    List<String> events = events(resource(DIR + "mistral-text.chunks.txt"));
    mistral.always(MockUpstream.sse(events));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
        .createStreaming(ask("Say hello").build())) {
      stream.stream().forEach(chunks::add);
    }
    String bytes = read(client.chat().completions().withRawResponse().createStreaming(ask("Say hello").build()));

    assertThat(bytes).isEqualTo(String.join("", events));
    assertThat(chunks).hasSize(8);
    assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo("5319bd0299614c679a0068a4f2c8ffd0"));
    String text = chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
        .collect(Collectors.joining());
    assertThat(text).isEqualTo("Hello, world! This is a test response.");
    ChatCompletionChunk last = chunks.getLast();
    assertThat(last.choices().getFirst().finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(last.usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(13);
      assertThat(u.completionTokens()).isEqualTo(8);
      assertThat(u.totalTokens()).isEqualTo(21);
    });
    assertThat(chunks.subList(0, 7)).allSatisfy(c -> assertThat(c.choices().getFirst().finishReason()).isEmpty());
    assertThat(mistral.received().getFirst().body().path("stream").asBoolean()).isTrue();
  }

  @Test
  void toolCallStream() throws Exception {
    List<String> events = events(resource(DIR + "mistral-tool-call.chunks.txt"));
    mistral.always(MockUpstream.sse(events));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
        .createStreaming(askWeather().build())) {
      stream.stream().forEach(chunks::add);
    }
    String bytes = read(client.chat().completions().withRawResponse().createStreaming(askWeather().build()));

    // Mistral's tool-call delta has no "index" (required by OpenAI and by openai-java's accumulator) and no
    // "type": repair_tool_calls adds both; the first chunk, without tool calls, keeps its bytes.
    assertThat(bytes).startsWith(events.getFirst());
    assertThat(chunks).hasSize(2);
    chunks.forEach(ChatCompletionChunk::validate);
    ChatCompletionChunk.Choice choice = chunks.getLast().choices().getFirst();
    assertThat(choice.finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionChunk.Choice.Delta.ToolCall call = choice.delta().toolCalls().orElseThrow().getFirst();
    assertThat(call.index()).isZero();
    assertThat(call.type()).hasValue(ChatCompletionChunk.Choice.Delta.ToolCall.Type.FUNCTION);
    assertThat(call.id()).hasValue("gSIMJiOkT");
    assertThat(call.function().flatMap(f -> f.name())).hasValue("weather");
    assertThat(call.function().flatMap(f -> f.arguments())).hasValue("{\"location\": \"San Francisco\"}");
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> {
      assertThat(u.promptTokens()).isEqualTo(124);
      assertThat(u.completionTokens()).isEqualTo(22);
      assertThat(u.totalTokens()).isEqualTo(146);
    });
  }
}
