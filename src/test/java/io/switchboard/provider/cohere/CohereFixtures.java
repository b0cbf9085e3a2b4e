package io.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import io.switchboard.api.Json;
import io.switchboard.stream.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Loads the recorded Cohere traffic under src/test/resources/providers/cohere/. */
final class CohereFixtures {
  static final String VERCEL = "/providers/cohere/vercel-ai/";

  private CohereFixtures() {}

  static Buffer bytes(String path) {
    try (InputStream in = CohereFixtures.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String path) {
    try {
      return Json.parse(bytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Vercel's {@code *.chunks.txt}: one event's data per line, without SSE framing or event names. */
  static List<SseEvent> chunks(String path) {
    return lines(path).stream().map(line -> new SseEvent(null, line, null)).toList();
  }

  static List<String> lines(String path) {
    return bytes(path).toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
  }

  /**
   * The recording as Cohere sends it on the wire: each event as {@code event: <type>} plus {@code data:}.
   * The framing is SSE's; the event names are the recorded events' own {@code type}.
   */
  static Buffer sse(String path) {
    Buffer out = Buffer.buffer();
    for (String line : lines(path)) {
      String type;
      try {
        type = Json.parse(line).path("type").asText();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.appendString("event: " + type + "\ndata: " + line + "\n\n");
    }
    return out;
  }

  static List<ObjectNode> stream(List<SseEvent> events, String model, boolean includeUsage) {
    CohereStreamMapper mapper = new CohereStreamMapper(model, includeUsage);
    List<ObjectNode> out = new ArrayList<>();
    for (SseEvent event : events) {
      out.addAll(mapper.onEvent(event));
    }
    out.addAll(mapper.onEnd());
    return out;
  }

  /** Parses with the official OpenAI Java SDK and runs its validation: proves clients accept the shape. */
  static void assertOpenAiAccepts(ObjectNode completion) {
    try {
      ObjectMappers.jsonMapper().readValue(Json.string(completion), ChatCompletion.class).validate();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static void assertOpenAiAcceptsChunk(ObjectNode chunk) {
    try {
      ObjectMappers.jsonMapper().readValue(Json.string(chunk), ChatCompletionChunk.class).validate();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** What a client reassembles from a chunk stream, the way the OpenAI SDKs accumulate deltas. */
  record Assembled(String id, String model, String role, String content, String reasoning,
      List<ToolCall> toolCalls, String finishReason, JsonNode usage, int chunkCount) {}

  record ToolCall(String id, String name, String arguments) {}

  static Assembled assemble(List<ObjectNode> chunks) {
    String id = null;
    String model = null;
    long created = -1;
    String role = null;
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    Map<Integer, String[]> calls = new LinkedHashMap<>();
    String finish = null;
    JsonNode usage = null;
    for (ObjectNode chunk : chunks) {
      assertOpenAiAcceptsChunk(chunk);
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      if (id == null) {
        id = chunk.path("id").asText();
        model = chunk.path("model").asText();
        created = chunk.path("created").asLong();
      }
      assertThat(chunk.path("id").asText()).isEqualTo(id);
      assertThat(chunk.path("model").asText()).isEqualTo(model);
      assertThat(chunk.path("created").asLong()).isEqualTo(created);
      if (chunk.hasNonNull("usage")) {
        assertThat(usage).as("only one chunk carries usage").isNull();
        assertThat(chunk.path("choices")).isEmpty();
        usage = chunk.get("usage");
      }
      for (JsonNode choice : chunk.path("choices")) {
        assertThat(finish).as("no choice after finish_reason").isNull();
        assertThat(choice.path("index").asInt()).isZero();
        JsonNode delta = choice.path("delta");
        if (delta.has("role")) {
          assertThat(role).as("role is sent once").isNull();
          role = delta.path("role").asText();
        }
        content.append(delta.path("content").asText(""));
        reasoning.append(delta.path("reasoning_content").asText(""));
        for (JsonNode call : delta.path("tool_calls")) {
          String[] acc = calls.computeIfAbsent(call.path("index").asInt(), k -> new String[] {null, null, ""});
          if (call.has("id")) {
            assertThat(acc[0]).as("tool call id is sent once").isNull();
            acc[0] = call.path("id").asText();
            acc[1] = call.path("function").path("name").asText();
          }
          acc[2] += call.path("function").path("arguments").asText("");
        }
        if (!choice.path("finish_reason").isNull()) {
          finish = choice.path("finish_reason").asText();
        }
      }
    }
    assertThat(calls.keySet()).as("tool call indexes count from 0")
        .containsExactlyElementsOf(IntStream.range(0, calls.size()).boxed().toList());
    List<ToolCall> toolCalls = calls.values().stream().map(a -> new ToolCall(a[0], a[1], a[2])).toList();
    return new Assembled(id, model, role, content.toString(), reasoning.toString(), toolCalls, finish, usage,
        chunks.size());
  }
}
