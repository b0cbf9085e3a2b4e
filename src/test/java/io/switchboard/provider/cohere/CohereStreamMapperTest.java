package io.switchboard.provider.cohere;

import io.switchboard.stream.MappedSseStream;
import static io.switchboard.provider.RecordedTraffic.assemble;
import static io.switchboard.provider.RecordedTraffic.chunks;
import static io.switchboard.provider.cohere.CohereFixtures.VERCEL;
import static io.switchboard.provider.cohere.CohereFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.RecordedTraffic.Assembled;
import io.switchboard.provider.RecordedTraffic.ToolCall;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden tests: recorded Cohere v2 chat streams in, what an OpenAI client reassembles out. */
class CohereStreamMapperTest {
  private static final String MODEL = "command-a-03-2025";

  private static void assertUsage(JsonNode usage, long prompt, long completion, long cached) {
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(prompt);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(completion);
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(prompt + completion);
    assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(cached);
  }

  @Test
  void text() {
    List<ObjectNode> out = stream(chunks(VERCEL + "cohere-text.chunks.txt"), MODEL, true);
    Assembled a = assemble(out);
    assertThat(a.id()).isEqualTo("321d178c-2c12-44d3-ae42-2f5510f6b1cc");
    assertThat(a.model()).isEqualTo(MODEL);
    assertThat(a.role()).isEqualTo("assistant");
    assertThat(a.content()).isEqualTo("The capital of France is Paris.");
    assertThat(a.reasoning()).isEmpty();
    assertThat(a.toolCalls()).isEmpty();
    assertThat(a.finishReason()).isEqualTo("stop");
    assertUsage(a.usage(), 507, 10, 448);
    // role, seven text deltas, finish, usage; content-start with "" and content-end add nothing
    assertThat(a.chunkCount()).isEqualTo(10);
    assertThat(out.getLast().path("choices")).isEmpty();
  }

  @Test
  void withoutIncludeUsageNoChunkHasAUsageField() {
    List<ObjectNode> out = stream(chunks(VERCEL + "cohere-text.chunks.txt"), MODEL, false);
    assertThat(out).hasSize(9).allSatisfy(chunk -> assertThat(chunk.has("usage")).isFalse());
    Assembled a = assemble(out);
    assertThat(a.usage()).isNull();
    assertThat(a.finishReason()).isEqualTo("stop");
  }

  @Test
  void reasoningStreamsAsReasoningContent() {
    Assembled a = assemble(stream(chunks(VERCEL + "cohere-reasoning.chunks.txt"), MODEL, true));
    assertThat(a.content()).isEqualTo("The answer to 2 + 2 is 4.");
    assertThat(a.reasoning()).startsWith("The user is asking for the sum of 2 and 2.")
        .endsWith("I can calculate the answer directly.");
    assertUsage(a.usage(), 1394, 54, 1360);
  }

  @Test
  void toolCallsStreamWithIndexesAndTheirArguments() {
    Assembled a = assemble(stream(chunks(VERCEL + "cohere-tool-call.chunks.txt"), MODEL, true));
    assertThat(a.content()).isEmpty();
    assertThat(a.reasoning()).isEqualTo(
        "I will use the weather tool to find the weather in San Francisco and the cityAttractions tool to find"
            + " attractions in San Francisco.");
    assertThat(a.toolCalls()).containsExactly(
        new ToolCall("weather_e8p4pn45zt0t", "weather", "{\"location\": \"San Francisco\"}"),
        new ToolCall("cityAttractions_pyxssbwnq9fq", "cityAttractions", "{\"city\": \"San Francisco\"}"));
    assertThat(a.finishReason()).isEqualTo("tool_calls");
    assertUsage(a.usage(), 1549, 95, 1504);
  }

  @Test
  void aToolCallWithoutArgumentsGetsAnEmptyObject() {
    Assembled a = assemble(stream(chunks(VERCEL + "cohere-empty-tool-call.chunks.txt"), MODEL, false));
    assertThat(a.toolCalls()).containsExactly(new ToolCall("currentTime_y46ar19t5gvw", "currentTime", "{}"));
    assertThat(a.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void aStreamCutBeforeMessageEndFails() {
    List<SseEvent> events = new ArrayList<>(chunks(VERCEL + "cohere-text.chunks.txt"));
    events.removeLast();
    assertThatThrownBy(() -> stream(events, MODEL, true)).isInstanceOfSatisfying(StreamFailure.class, f -> {
      assertThat(f.status()).isEqualTo(502);
      assertThat(f.errorBody().path("error").path("code").asText()).isEqualTo("upstream_stream_truncated");
    });
  }

  @Test
  void messageEndWithErrorFailsTheStream() {
    List<SseEvent> events = new ArrayList<>(chunks(VERCEL + "cohere-text.chunks.txt"));
    events.set(events.size() - 1, new SseEvent(null,
        "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"ERROR\",\"error\":\"internal failure\"}}", null));
    assertThatThrownBy(() -> stream(events, MODEL, true)).isInstanceOfSatisfying(StreamFailure.class, f -> {
      JsonNode error = f.errorBody().path("error");
      assertThat(error.path("message").asText()).contains("ERROR").contains("internal failure");
      assertThat(error.path("type").asText()).isEqualTo("api_error");
    });
  }

  @Test
  void unknownEventsAndCitationsAddNothing() {
    CohereStreamMapper mapper = new CohereStreamMapper(MODEL, false);
    mapper.onEvent(new SseEvent(null, chunks(VERCEL + "cohere-text.chunks.txt").getFirst().data(), null));
    assertThat(mapper.onEvent(new SseEvent("citation-start",
        "{\"type\":\"citation-start\",\"index\":0,\"delta\":{\"message\":{\"citations\":{\"start\":0,\"end\":3}}}}",
        null))).isEmpty();
    assertThat(mapper.onEvent(new SseEvent(null, "{\"type\":\"something-new\"}", null))).isEmpty();
  }

  @Test
  void aNonJsonEventFails() {
    CohereStreamMapper mapper = new CohereStreamMapper(MODEL, false);
    assertThatThrownBy(() -> mapper.onEvent(new SseEvent(null, "not json", null)))
        .isInstanceOf(StreamFailure.class);
  }

  /** The wire form, cut into pieces at every 7th byte, through the provider's transformer. */
  @Test
  void transformerDecodesSseInAnyPiecesAndEndsWithDone() {
    Buffer wire = CohereFixtures.sse(VERCEL + "cohere-tool-call.chunks.txt");
    MappedSseStream transformer =
        CohereProvider.stream(new CohereStreamMapper(MODEL, true));
    Buffer out = Buffer.buffer();
    for (int i = 0; i < wire.length(); i += 7) {
      out.appendBuffer(transformer.onChunk(wire.getBuffer(i, Math.min(wire.length(), i + 7))));
    }
    out.appendBuffer(transformer.onEnd());
    List<SseEvent> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(events::add);
    decoder.feed(out);
    decoder.end();
    assertThat(events.getLast().data()).isEqualTo("[DONE]");
    List<ObjectNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> {
      try {
        return (ObjectNode) Json.parse(e.data());
      } catch (java.io.IOException x) {
        throw new AssertionError(x);
      }
    }).toList();
    Assembled a = assemble(chunks);
    assertThat(a.toolCalls()).extracting(ToolCall::name).containsExactly("weather", "cityAttractions");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("event:");
  }

  @Test
  void transformerFailsWhenTheWireEndsEarly() {
    Buffer wire = CohereFixtures.sse(VERCEL + "cohere-text.chunks.txt");
    String text = wire.toString(StandardCharsets.UTF_8);
    Buffer cut = Buffer.buffer(text.substring(0, text.indexOf("event: message-end")));
    MappedSseStream transformer =
        CohereProvider.stream(new CohereStreamMapper(MODEL, true));
    transformer.onChunk(cut);
    assertThatThrownBy(transformer::onEnd).isInstanceOf(StreamFailure.class);
  }
}
