package io.switchboard.provider;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The provider adapters' shared test helpers: loading recorded traffic from test resources, checking that
 * the official OpenAI Java SDK accepts what we send, and reassembling a chunk stream the way the SDKs do.
 */
public final class RecordedTraffic {
  private RecordedTraffic() {}

  public static Buffer bytes(String path) {
    try (InputStream in = RecordedTraffic.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String path) {
    try {
      return Json.parse(bytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode parse(String json) {
    try {
      return Json.parse(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The non-blank lines of a text resource, e.g. Vercel's {@code *.chunks.txt}: one event's data per line. */
  public static List<String> lines(String path) {
    return bytes(path).toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
  }

  /** Vercel's {@code *.chunks.txt} as events: data only, without SSE framing or event names. */
  public static List<SseEvent> chunks(String path) {
    return lines(path).stream().map(line -> new SseEvent(null, line, null)).toList();
  }

  /** An SSE body decoded with our own decoder. */
  public static List<SseEvent> decodeSse(Buffer sse) {
    List<SseEvent> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(events::add);
    decoder.feed(sse);
    decoder.end();
    return events;
  }

  /** Runs a stream mapper over recorded events: every event, then the end of the stream. */
  public static <E> List<ObjectNode> map(List<E> events, Function<E, List<ObjectNode>> onEvent,
      Supplier<List<ObjectNode>> onEnd) {
    List<ObjectNode> out = new ArrayList<>();
    for (E event : events) {
      out.addAll(onEvent.apply(event));
    }
    out.addAll(onEnd.get());
    return out;
  }

  /** Parses with the official OpenAI Java SDK and runs its validation: proves clients accept the shape. */
  public static void assertOpenAiAccepts(ObjectNode completion) {
    try {
      ObjectMappers.jsonMapper().readValue(Json.string(completion), ChatCompletion.class).validate();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public static void assertOpenAiAcceptsChunk(ObjectNode chunk) {
    try {
      ObjectMappers.jsonMapper().readValue(Json.string(chunk), ChatCompletionChunk.class).validate();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** What a client reassembles from a chunk stream, the way the OpenAI SDKs accumulate deltas. */
  public record Assembled(String id, String model, String role, String content, String reasoning,
      List<ToolCall> toolCalls, String finishReason, JsonNode usage, int chunkCount) {}

  /** {@code signature} is Gemini's {@code extra_content.google.thought_signature}; null for everyone else. */
  public record ToolCall(String id, String name, String arguments, String signature) {
    public ToolCall(String id, String name, String arguments) {
      this(id, name, arguments, null);
    }
  }

  /** {@link #assemble(List)}, also checking that every chunk names {@code model}. */
  public static Assembled assemble(List<ObjectNode> chunks, String model) {
    for (ObjectNode chunk : chunks) {
      assertThat(chunk.path("model").asText()).isEqualTo(model);
    }
    return assemble(chunks);
  }

  /** Reassembles a chunk stream, asserting on the way the invariants that clients rely on. */
  public static Assembled assemble(List<ObjectNode> chunks) {
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
      assertThat(chunk.has("system_fingerprint")).isFalse();
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
        assertThat(usage).as("the usage chunk is the last").isNull();
        assertThat(finish).as("nothing follows finish_reason").isNull();
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.has("logprobs")).isTrue();
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
    assertThat(calls.keySet()).as("tool call indexes count from 0")
        .containsExactlyElementsOf(IntStream.range(0, calls.size()).boxed().toList());
    List<ToolCall> toolCalls = calls.values().stream().map(a -> new ToolCall(a[0], a[1], a[2], a[3])).toList();
    return new Assembled(id, model, role, content.toString(), reasoning.toString(), toolCalls, finish, usage,
        chunks.size());
  }
}
