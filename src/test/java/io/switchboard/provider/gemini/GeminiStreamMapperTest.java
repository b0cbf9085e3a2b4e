package io.switchboard.provider.gemini;

import static io.switchboard.provider.RecordedTraffic.assemble;
import static io.switchboard.provider.RecordedTraffic.bytes;
import static io.switchboard.provider.RecordedTraffic.lines;
import static io.switchboard.provider.gemini.Fixtures.VERCEL;
import static io.switchboard.provider.gemini.Fixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.RecordedTraffic.Assembled;
import io.switchboard.provider.RecordedTraffic.ToolCall;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden tests: recorded Gemini streams in, what an OpenAI client reassembles out. */
class GeminiStreamMapperTest {

  @Test
  void text() {
    List<ObjectNode> out = stream(VERCEL + "google-text.chunks.txt", true);
    Assembled a = assemble(out);
    assertThat(a.id()).isEqualTo("bH6LaZW8Fp_3nsEPqtaSwQ4");
    assertThat(a.model()).isEqualTo("gemini-3-pro-preview");
    assertThat(a.role()).isEqualTo("assistant");
    assertThat(a.content()).isEqualTo("There are **3** \"r\"s in strawberry.\n\nst**r**awbe**rr**y");
    assertThat(a.reasoning()).isEmpty();
    assertThat(a.toolCalls()).isEmpty();
    assertThat(a.finishReason()).isEqualTo("stop");
    assertUsage(a.usage(), 9, 23 + 185, 217, 0, 185);
    // role, two text deltas, finish, usage; the closing empty text part adds nothing
    assertThat(a.chunkCount()).isEqualTo(5);
  }

  @Test
  void withoutIncludeUsageNoChunkHasAUsageField() {
    List<ObjectNode> out = stream(VERCEL + "google-reasoning.chunks.txt", false);
    assertThat(out).hasSize(4).allSatisfy(chunk -> assertThat(chunk.has("usage")).isFalse());
    assertThat(assemble(out).content())
        .isEqualTo("There are **3** \"r\"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
  }

  @Test
  void withIncludeUsageEveryChunkButTheLastHasNullUsage() {
    List<ObjectNode> out = stream(VERCEL + "google-reasoning-gemini3.chunks.txt", true);
    assertThat(out.subList(0, out.size() - 1)).allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
    assertUsage(out.getLast().get("usage"), 9, 23 + 302, 334, 0, 302);
    assertThat(out.getFirst().path("choices").get(0).path("delta"))
        .isEqualTo(Json.object().put("role", "assistant").put("content", ""));
  }

  @Test
  void toolCallWholeInOnePart() {
    Assembled a = assemble(stream(VERCEL + "google-tool-call.chunks.txt", true));
    assertThat(a.toolCalls()).hasSize(1);
    assertThat(a.toolCalls().getFirst().name()).isEqualTo("weather");
    assertThat(parse(a.toolCalls().getFirst().arguments())).isEqualTo(Json.object().put("location", "San Francisco"));
    assertThat(a.toolCalls().getFirst().id()).startsWith("call_");
    assertThat(a.toolCalls().getFirst().signature()).startsWith("EqUCCqICAb4+9vsh8Pd5");
    assertThat(a.content()).isEmpty();
    assertThat(a.finishReason()).isEqualTo("tool_calls");
    assertUsage(a.usage(), 29, 15 + 45, 89, 0, 45);
  }

  @Test
  void streamedArgumentsOfTwoCalls() {
    Assembled a = assemble(stream(VERCEL + "google-stream-tool-call-arguments.chunks.txt", true));
    assertThat(a.model()).isEqualTo("gemini-3.1-pro-preview");
    assertThat(a.toolCalls()).extracting(ToolCall::name).containsExactly("getWeather", "getWeather");
    assertThat(parse(a.toolCalls().get(0).arguments())).isEqualTo(Json.object().put("location", "Boston"));
    assertThat(parse(a.toolCalls().get(1).arguments())).isEqualTo(Json.object().put("location", "San Francisco"));
    assertThat(a.toolCalls().get(0).id()).isNotEqualTo(a.toolCalls().get(1).id());
    assertThat(a.toolCalls().get(0).signature()).startsWith("CiMBjz1rX25KieIB4d4A");
    assertThat(a.finishReason()).isEqualTo("tool_calls");
    assertUsage(a.usage(), 26, 23 + 132, 181, 0, 132);
  }

  @Test
  void thoughtsThenCallsWithAndWithoutArguments() {
    Assembled a = assemble(stream(VERCEL + "google-stream-no-args-tool-call.chunks.txt", true));
    assertThat(a.reasoning()).startsWith("**Processing User Requests**\n\nI've started by understanding");
    assertThat(a.content()).isEmpty();
    assertThat(a.toolCalls()).extracting(ToolCall::name)
        .containsExactly("read_theme", "read_screen", "read_screen", "read_screen");
    assertThat(a.toolCalls().get(0).arguments()).isEqualTo("{}");
    assertThat(a.toolCalls().subList(1, 4)).extracting(c -> parse(c.arguments()).path("id").asText())
        .containsExactly("A", "B", "C");
    assertThat(a.finishReason()).isEqualTo("tool_calls");
    assertUsage(a.usage(), 249, 58 + 183, 490, 0, 183);
  }

  @Test
  void nestedPathsAndArrayElementsAreRebuilt() {
    Assembled a = assemble(stream(VERCEL + "google-vertex-stream-tool-call-arguments-nested.1.chunks.txt", true));
    assertThat(a.toolCalls()).hasSize(1);
    JsonNode recipe = parse(a.toolCalls().getFirst().arguments()).path("recipe");
    assertThat(recipe.path("name").asText()).isEqualTo("Lasagna");
    assertThat(recipe.path("ingredients")).hasSize(10);
    assertThat(recipe.path("ingredients").get(0)).isEqualTo(
        Json.object().put("amount", "16 oz").put("name", "Lasagna noodles"));
    assertThat(recipe.path("ingredients").get(9).path("name").asText()).isEqualTo("Pepper");
    assertThat(recipe.path("steps")).hasSize(10);
    // pieces of one string arrive in several events
    assertThat(recipe.path("steps").get(1).asText())
        .isEqualTo("Cook lasagna noodles according to package directions, drain and set aside.");
    assertThat(recipe.path("steps").get(4).asText())
        .isEqualTo("In a 9x13 baking dish, spread a thin layer of meat sauce.");
    assertUsage(a.usage(), 31, 684 + 1026, 1741, 0, 1026);
  }

  @Test
  void callWithoutClosingPartEndsAtItsLastArgument() {
    Assembled a = assemble(stream(
        VERCEL + "google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt", true));
    assertThat(a.toolCalls()).hasSize(1);
    JsonNode operations = parse(a.toolCalls().getFirst().arguments()).path("operations");
    assertThat(operations).hasSize(2);
    assertThat(operations.get(0)).isEqualTo(parse(
        "{\"action\":\"add\",\"description\":\"Fresh red apple\",\"itemid\":\"apple_001\",\"price\":0.5}"));
    assertThat(operations.get(1).path("itemid").asText()).isEqualTo("banana_001");
    assertThat(operations.get(1).path("price").asDouble()).isEqualTo(0.3);
    assertThat(a.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void aStreamCutBeforeAnyFinishReasonFails() {
    GeminiStreamMapper mapper = new GeminiStreamMapper(true, "m", null);
    mapper.onEvent(lines(VERCEL + "google-text.chunks.txt").getFirst());
    assertThatThrownBy(mapper::onEnd).isInstanceOf(StreamFailure.class)
        .satisfies(e -> assertThat(((StreamFailure) e).errorBody().path("error").path("code").asText())
            .isEqualTo("upstream_stream_truncated"));
  }

  @Test
  void anErrorEventMidStreamFailsWithItsStatus() {
    GeminiStreamMapper mapper = new GeminiStreamMapper(false, "m", null);
    mapper.onEvent(lines(VERCEL + "google-text.chunks.txt").getFirst());
    String error = bytes(VERCEL + "google-429-retry-info.json").toString(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> mapper.onEvent(error)).isInstanceOf(StreamFailure.class).satisfies(e -> {
      StreamFailure f = (StreamFailure) e;
      assertThat(f.status()).isEqualTo(429);
      assertThat(f.errorBody().path("error").path("type").asText()).isEqualTo("rate_limit_error");
    });
  }

  @Test
  void aBlockedPromptEndsWithContentFilter() {
    GeminiStreamMapper mapper = new GeminiStreamMapper(false, "gemini-2.5-flash", null);
    List<ObjectNode> out = new java.util.ArrayList<>(mapper.onEvent(
        "{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},\"usageMetadata\":{\"promptTokenCount\":7}}"));
    out.addAll(mapper.onEnd());
    Assembled a = assemble(out);
    assertThat(a.finishReason()).isEqualTo("content_filter");
    assertThat(a.model()).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void theTransformerDecodesSseAndEndsWithDone() {
    var transformer = new GeminiCodec("gem", "m", false, null).streamTransformer();
    Buffer sse = Fixtures.sse(VERCEL + "google-text.chunks.txt");
    // split mid-event: framing is the decoder's business
    String first = transformer.onChunk(sse.getBuffer(0, 100)).toString(StandardCharsets.UTF_8);
    String rest = transformer.onChunk(sse.getBuffer(100, sse.length())).toString(StandardCharsets.UTF_8)
        + transformer.onEnd().toString(StandardCharsets.UTF_8);
    assertThat(first).isEmpty();
    assertThat(rest).startsWith("data: {").endsWith("data: [DONE]\n\n");
    assertThat(rest).contains("There are **3**").contains("\"finish_reason\":\"stop\"");
  }

  static void assertUsage(JsonNode usage, long prompt, long completion, long total, long cached, long reasoning) {
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(prompt);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(completion);
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(total);
    assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(cached);
    assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(reasoning);
  }

  static JsonNode parse(String json) {
    try {
      return Json.parse(json);
    } catch (IOException e) {
      throw new AssertionError(json, e);
    }
  }
}
