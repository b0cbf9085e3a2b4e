package io.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads the recorded Gemini traffic under src/test/resources/providers/gemini/. */
final class Fixtures {
  static final String VERCEL = "/providers/gemini/vercel-ai/";

  private Fixtures() {}

  static Buffer bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
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

  /** Vercel's {@code *.chunks.txt}: one event's data per line, without SSE framing. */
  static List<String> chunks(String path) {
    return bytes(path).toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
  }

  /** The same events as Gemini sends them with {@code alt=sse}. */
  static Buffer sse(String path) {
    Buffer out = Buffer.buffer();
    chunks(path).forEach(line -> out.appendString("data: " + line + "\r\n\r\n"));
    return out;
  }

  static List<ObjectNode> stream(String path, boolean includeUsage) {
    GeminiStreamMapper mapper = new GeminiStreamMapper(includeUsage, "gemini-requested", "secret-key");
    List<ObjectNode> out = new ArrayList<>();
    for (String event : chunks(path)) {
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

  record ToolCall(String id, String name, String arguments, String signature) {}

  static Assembled assemble(List<ObjectNode> chunks) {
    String id = null;
    String model = null;
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
      }
      assertThat(chunk.path("id").asText()).isEqualTo(id);
      assertThat(chunk.path("model").asText()).isEqualTo(model);
      if (chunk.hasNonNull("usage")) {
        assertThat(usage).as("only one chunk carries usage").isNull();
        assertThat(chunk.path("choices")).isEmpty();
        usage = chunk.get("usage");
      }
      for (JsonNode choice : chunk.path("choices")) {
        assertThat(finish).as("nothing follows finish_reason").isNull();
        JsonNode delta = choice.path("delta");
        if (delta.has("role")) {
          assertThat(role).as("role is sent once").isNull();
          role = delta.path("role").asText();
        } else {
          assertThat(role).as("role comes first").isNotNull();
        }
        content.append(delta.path("content").asText(""));
        reasoning.append(delta.path("reasoning_content").asText(""));
        for (JsonNode call : delta.path("tool_calls")) {
          String[] acc = calls.computeIfAbsent(call.path("index").asInt(), k -> new String[] {null, null, "", null});
          if (call.has("id")) {
            assertThat(acc[0]).as("tool call id is sent once").isNull();
            acc[0] = call.path("id").asText();
            acc[1] = call.path("function").path("name").asText();
            acc[3] = call.path("extra_content").path("google").path("thought_signature").textValue();
          }
          acc[2] += call.path("function").path("arguments").asText("");
        }
        if (!choice.path("finish_reason").isNull()) {
          finish = choice.path("finish_reason").asText();
        }
      }
    }
    assertThat(calls.keySet()).as("tool call indexes count from 0").containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, calls.size()).boxed().toList());
    List<ToolCall> toolCalls = calls.values().stream().map(a -> new ToolCall(a[0], a[1], a[2], a[3])).toList();
    return new Assembled(id, model, role, content.toString(), reasoning.toString(), toolCalls, finish, usage,
        chunks.size());
  }
}
