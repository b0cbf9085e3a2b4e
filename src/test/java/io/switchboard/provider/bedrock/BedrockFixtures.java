package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import io.switchboard.api.Json;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/** Loads the recorded Bedrock traffic under src/test/resources/providers/bedrock/ and replays streams. */
final class BedrockFixtures {
  static final String VERCEL = "/providers/bedrock/vercel-ai/";

  private BedrockFixtures() {}

  static Buffer bytes(String path) {
    try (InputStream in = BedrockFixtures.class.getResourceAsStream(path)) {
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

  /** A {@code *.chunks.txt} recording framed again as the binary event stream Bedrock sends. */
  static byte[] eventStream(String path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : bytes(path).toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList()) {
      JsonNode wrapped;
      try {
        wrapped = Json.parse(line);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Entry<String, JsonNode> event = wrapped.properties().iterator().next();
      out.writeBytes(EventStreamFrames.event(event.getKey(), Json.string(event.getValue())));
    }
    return out.toByteArray();
  }

  /** Feeds {@code bytes} in pieces of {@code step} bytes (the last may be shorter) and decodes the SSE out. */
  static List<ObjectNode> replay(byte[] bytes, int step, String model, boolean includeUsage) {
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(model, includeUsage));
    Buffer sse = Buffer.buffer();
    for (int i = 0; i < bytes.length; i += step) {
      sse.appendBuffer(transformer.onChunk(Buffer.buffer().appendBytes(bytes, i, Math.min(step, bytes.length - i))));
    }
    sse.appendBuffer(transformer.onEnd());
    return sseChunks(sse);
  }

  /** The JSON chunks of an OpenAI SSE body, checking that it ends with [DONE]. */
  static List<ObjectNode> sseChunks(Buffer sse) {
    List<SseEvent> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(events::add);
    decoder.feed(sse);
    decoder.end();
    assertThat(events).isNotEmpty();
    assertThat(events.getLast().data()).isEqualTo("[DONE]");
    List<ObjectNode> out = new ArrayList<>();
    for (SseEvent event : events.subList(0, events.size() - 1)) {
      try {
        out.add((ObjectNode) Json.parse(event.data()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static void assertOpenAiAccepts(ObjectNode completion) {
    try {
      ObjectMappers.jsonMapper().readValue(Json.string(completion), ChatCompletion.class).validate();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** What a client reassembles from a chunk stream, the way the OpenAI SDKs accumulate deltas. */
  record Assembled(String id, String role, String content, String reasoning, List<ToolCall> toolCalls,
      String finishReason, JsonNode usage, int chunkCount) {}

  record ToolCall(String id, String name, String arguments) {}

  static Assembled assemble(List<ObjectNode> chunks, String model) {
    String id = null;
    String role = null;
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    Map<Integer, String[]> calls = new LinkedHashMap<>();
    String finish = null;
    JsonNode usage = null;
    for (ObjectNode chunk : chunks) {
      try {
        ObjectMappers.jsonMapper().readValue(Json.string(chunk), ChatCompletionChunk.class).validate();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.path("model").asText()).isEqualTo(model);
      if (id == null) {
        id = chunk.path("id").asText();
      }
      assertThat(chunk.path("id").asText()).isEqualTo(id);
      if (chunk.hasNonNull("usage")) {
        assertThat(usage).as("only one chunk carries usage").isNull();
        assertThat(chunk.path("choices")).isEmpty();
        usage = chunk.get("usage");
      }
      for (JsonNode choice : chunk.path("choices")) {
        assertThat(usage).as("the usage chunk is the last").isNull();
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
          assertThat(finish).as("finish_reason is sent once").isNull();
          finish = choice.path("finish_reason").asText();
        }
      }
    }
    assertThat(calls.keySet()).as("tool call indexes count from 0").containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, calls.size()).boxed().toList());
    List<ToolCall> toolCalls = calls.values().stream().map(a -> new ToolCall(a[0], a[1], a[2])).toList();
    return new Assembled(id, role, content.toString(), reasoning.toString(), toolCalls, finish, usage,
        chunks.size());
  }
}
