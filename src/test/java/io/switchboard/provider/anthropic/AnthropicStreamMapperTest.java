package io.switchboard.provider.anthropic;

import static io.switchboard.provider.RecordedTraffic.assemble;
import static io.switchboard.provider.RecordedTraffic.chunks;
import static io.switchboard.provider.anthropic.Fixtures.SDK;
import static io.switchboard.provider.anthropic.Fixtures.VERCEL;
import static io.switchboard.provider.anthropic.Fixtures.sse;
import static io.switchboard.provider.anthropic.Fixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.RecordedTraffic.Assembled;
import io.switchboard.provider.RecordedTraffic.ToolCall;
import io.switchboard.stream.SseEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden tests: recorded Anthropic streams in, what an OpenAI client reassembles out. */
class AnthropicStreamMapperTest {

  @Test
  void textFromRawSse() {
    List<ObjectNode> out = stream(sse(SDK + "basic_response.txt"), true);
    Assembled a = assemble(out);
    assertThat(a.id()).isEqualTo("msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK");
    assertThat(a.model()).isEqualTo("claude-3-opus-latest");
    assertThat(a.role()).isEqualTo("assistant");
    assertThat(a.content()).isEqualTo("Hello there!");
    assertThat(a.toolCalls()).isEmpty();
    assertThat(a.finishReason()).isEqualTo("stop");
    assertUsage(a.usage(), 11, 6, 0, 0);
    // role chunk, three text deltas, finish chunk, usage chunk; ping and block start/stop add nothing
    assertThat(a.chunkCount()).isEqualTo(6);
  }

  @Test
  void firstChunkCarriesRoleAndEmptyContent() {
    List<ObjectNode> out = stream(sse(SDK + "basic_response.txt"), false);
    JsonNode first = out.getFirst();
    assertThat(first.path("choices").get(0).path("delta"))
        .isEqualTo(Json.object().put("role", "assistant").put("content", ""));
    assertThat(first.path("created").asLong()).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
  }

  @Test
  void withoutIncludeUsageNoChunkHasAUsageField() {
    List<ObjectNode> out = stream(sse(SDK + "basic_response.txt"), false);
    assertThat(out).hasSize(5).allSatisfy(chunk -> assertThat(chunk.has("usage")).isFalse());
    assertThat(assemble(out).content()).isEqualTo("Hello there!");
  }

  @Test
  void withIncludeUsageEveryChunkButTheLastHasNullUsage() {
    List<ObjectNode> out = stream(sse(SDK + "basic_response.txt"), true);
    assertThat(out.subList(0, out.size() - 1)).allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
    assertThat(out.getLast().path("choices")).isEmpty();
  }

  @Test
  void textFromVercelChunksPrefersMessageDeltaUsage() {
    Assembled a = assemble(stream(chunks(VERCEL + "anthropic-text.chunks.txt"), true));
    assertThat(a.id()).isEqualTo("msg_01QC4g3HwBThD4BaNtBckFDJ");
    assertThat(a.model()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(a.content()).isEqualTo(
        "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    assertThat(a.finishReason()).isEqualTo("stop");
    assertUsage(a.usage(), 12, 30, 0, 0);
  }

  @Test
  void inputTokensInMessageDeltaWinOverMessageStart() {
    Assembled a = assemble(stream(chunks(VERCEL + "anthropic-message-delta-input-tokens.chunks.txt"), true));
    assertThat(a.content()).isEqualTo("pong");
    assertUsage(a.usage(), 61, 2, 0, 0); // message_start said 43
  }

  @Test
  void cacheTokensAreAddedToPromptTokens() {
    Assembled a = assemble(stream(chunks(VERCEL + "anthropic-code-execution-20260120-prompt-cache.1.chunks.txt"),
        true));
    assertThat(a.content()).isEqualTo("The sum of the squares of the numbers 1 through 12 is **650**.");
    assertThat(a.toolCalls()).as("server tools run at Anthropic; the client has nothing to call").isEmpty();
    assertThat(a.finishReason()).isEqualTo("stop");
    assertUsage(a.usage(), 6 + 6289 + 3337, 198, 6289, 3337);
  }

  @Test
  void toolUseWithTextFromRawSse() throws IOException {
    Assembled a = assemble(stream(sse(SDK + "tool_use_response.txt"), true));
    assertThat(a.content()).isEqualTo("I'll check the current weather in Paris for you.");
    assertThat(a.toolCalls()).extracting(ToolCall::id, ToolCall::name)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather"));
    assertThat(Json.parse(a.toolCalls().getFirst().arguments()))
        .isEqualTo(Json.parse("{\"location\": \"Paris\"}"));
    assertThat(a.finishReason()).isEqualTo("tool_calls");
    assertUsage(a.usage(), 377, 65, 0, 0);
  }

  @Test
  void toolCallIndexCountsToolCallsNotContentBlocks() {
    List<ObjectNode> out = stream(sse(SDK + "tool_use_response.txt"), false);
    List<JsonNode> calls = new ArrayList<>();
    out.forEach(c -> c.path("choices").get(0).path("delta").path("tool_calls").forEach(calls::add));
    assertThat(calls).isNotEmpty().allSatisfy(call -> assertThat(call.path("index").asInt()).isZero());
    JsonNode opening = calls.getFirst();
    assertThat(opening.path("type").asText()).isEqualTo("function");
    assertThat(opening.path("function").path("arguments").asText()).isEmpty();
    assertThat(calls.subList(1, calls.size())).allSatisfy(call -> assertThat(call.has("id")).isFalse());
  }

  @Test
  void toolWithoutArgumentsGetsEmptyObjectArguments() {
    Assembled a = assemble(stream(chunks(VERCEL + "anthropic-tool-no-args.chunks.txt"), true));
    assertThat(a.content()).isEqualTo("I'll update the issue list for you.");
    assertThat(a.toolCalls()).containsExactly(new ToolCall("toolu_01QE1WLsSVp5hy5Q3GmGTmjP", "updateIssueList", "{}"));
    assertThat(a.finishReason()).isEqualTo("tool_calls");
    assertUsage(a.usage(), 565, 48, 0, 0);
  }

  @Test
  void severalMessagesWithClientAndServerToolCalls() throws IOException {
    List<List<SseEvent>> messages = Fixtures.perMessage(chunks(VERCEL + "anthropic-tool-search-deferred-bm25.chunks.txt"));
    assertThat(messages).hasSize(3);

    // Turn 1: a client tool_use (block 1) and a server_tool_use (block 2): only the first is a tool call.
    Assembled first = assemble(stream(messages.get(0), true));
    assertThat(first.content()).isEqualTo("I'll help you with this task. Let me start by reading the note tree to "
        + "see the current structure, and then search for the right tools to add a bullet point.");
    assertThat(first.toolCalls()).hasSize(1);
    assertThat(first.toolCalls().getFirst().id()).isEqualTo("toolu_01U8pzAHj2vNdPCA2Kf8JjeN");
    assertThat(first.toolCalls().getFirst().name()).isEqualTo("readNoteTree");
    assertThat(Json.parse(first.toolCalls().getFirst().arguments()))
        .isEqualTo(Json.parse("{\"noteId\": \"d10aa585-982b-4bd9-984e-420f9b3717f7\"}"));
    assertThat(first.finishReason()).isEqualTo("tool_calls");
    assertUsage(first.usage(), 879, 177, 0, 0);

    // Turn 2: a tool search result block, text, then a tool call at content block 2 that is tool call 0.
    Assembled second = assemble(stream(messages.get(1), true));
    assertThat(second.toolCalls()).hasSize(1);
    assertThat(second.toolCalls().getFirst().id()).isEqualTo("toolu_01QoRrvXNv6w4vZSyo9cnxP2");
    assertThat(second.toolCalls().getFirst().name()).isEqualTo("executeEditorOperation");
    assertThat(Json.parse(second.toolCalls().getFirst().arguments())).isEqualTo(Json.parse("""
        {"noteId": "d10aa585-982b-4bd9-984e-420f9b3717f7", "operations": [
          {"op": "insert_node", "type": "bulletedListItem", "text": "bye", "at": {"type": "path", "path": [1]}}
        ]}"""));
    assertUsage(second.usage(), 1398, 213, 0, 0);

    Assembled third = assemble(stream(messages.get(2), true));
    assertThat(third.toolCalls()).isEmpty();
    assertThat(third.content()).startsWith("Great! I've successfully completed the task.")
        .endsWith("The operation was successful!");
    assertThat(third.finishReason()).isEqualTo("stop");
  }

  @Test
  void thinkingBecomesReasoningContent() {
    Assembled a = assemble(stream(chunks(VERCEL + "anthropic-clear-thinking.1.chunks.txt"), true));
    assertThat(a.reasoning()).isEqualTo("The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185");
    assertThat(a.content()).isEqualTo("925 ÷ 5 = 185");
    assertThat(a.finishReason()).isEqualTo("stop");
    assertUsage(a.usage(), 69, 53, 0, 0);
  }

  @Test
  void maxTokensCutsAToolCallShort() {
    Assembled a = assemble(stream(sse(SDK + "incomplete_partial_json_response.txt"), true));
    assertThat(a.content()).isEqualTo("I'll create a comprehensive tax guide for someone with multiple W2s and save "
        + "it in a file called taxes.txt. Let me do that for you now.");
    // The arguments are passed on exactly as far as they got; the client sees finish_reason length.
    assertThat(a.toolCalls()).containsExactly(new ToolCall("toolu_01EKqbqmZrGRXy18eN7m9kvY", "make_file",
        "{\"filename\": \"taxes.txt\", \"lines_of_text\": [\n\"# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH "
            + "MULTIPLE W-2s\",\n\"\",\n\"## INTRODUCTION\",\n\"\",\n\"Filing taxes"));
    assertThat(a.finishReason()).isEqualTo("length");
    assertUsage(a.usage(), 450, 124, 0, 0);
  }

  @Test
  void refusalFromRawSse() {
    Assembled a = assemble(stream(sse(SDK + "refusal_response.txt"), true));
    assertThat(a.content()).isEmpty();
    assertThat(a.finishReason()).isEqualTo("content_filter");
    assertUsage(a.usage(), 20, 0, 0, 0);
  }

  @Test
  void refusalWithoutContentBlocks() {
    Assembled a = assemble(stream(chunks(VERCEL + "anthropic-refusal.chunks.txt"), true));
    assertThat(a.id()).isEqualTo("msg_01RefusalStreamAbcdefghijk");
    assertThat(a.content()).isEmpty();
    assertThat(a.finishReason()).isEqualTo("content_filter");
    assertUsage(a.usage(), 18, 5, 0, 0);
  }

  /**
   * No recorded stream with an error event was available; this is the example from Anthropic's
   * streaming documentation ("Error events"), after the first events of a recorded stream.
   */
  @Test
  void errorEventThrowsWithOpenAiShapedError() {
    AnthropicStreamMapper mapper = new AnthropicStreamMapper(true);
    List<SseEvent> recorded = sse(SDK + "basic_response.txt");
    List<ObjectNode> out = new ArrayList<>();
    for (SseEvent e : recorded.subList(0, 4)) {
      out.addAll(mapper.onEvent(e));
    }
    assertThat(assemble(out).content()).isEqualTo("Hello");
    SseEvent error = new SseEvent("error",
        "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}", null);
    assertThatThrownBy(() -> mapper.onEvent(error))
        .isInstanceOfSatisfying(AnthropicStreamException.class, e -> {
          assertThat(e.status()).isEqualTo(529);
          assertThat(e.openAiError()).isEqualTo(json(
              "{\"error\":{\"message\":\"Overloaded\",\"type\":\"api_error\",\"param\":null,\"code\":\"overloaded\"}}"));
        });
  }

  @Test
  void streamThatEndsBeforeMessageStopIsAnError() {
    List<SseEvent> recorded = sse(SDK + "basic_response.txt");
    AnthropicStreamMapper mapper = new AnthropicStreamMapper(false);
    recorded.subList(0, 5).forEach(mapper::onEvent);
    assertThatThrownBy(mapper::onEnd)
        .isInstanceOfSatisfying(AnthropicStreamException.class,
            e -> assertThat(e.openAiError().path("error").path("type").asText()).isEqualTo("api_error"));
  }

  @Test
  void pingAndUnknownEventsProduceNothing() {
    AnthropicStreamMapper mapper = new AnthropicStreamMapper(true);
    assertThat(mapper.onEvent(new SseEvent("ping", "{\"type\": \"ping\"}", null))).isEmpty();
    assertThat(mapper.onEvent(new SseEvent("future", "{\"type\":\"future_event\",\"x\":1}", null))).isEmpty();
  }

  @Test
  void nonJsonEventIsAnUpstreamError() {
    AnthropicStreamMapper mapper = new AnthropicStreamMapper(true);
    assertThatThrownBy(() -> mapper.onEvent(new SseEvent(null, "not json", null)))
        .isInstanceOf(AnthropicStreamException.class);
  }

  private static void assertUsage(JsonNode usage, long prompt, long completion, long cached, long cacheCreation) {
    assertThat(usage).as("usage").isNotNull();
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(prompt);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(completion);
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(prompt + completion);
    assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(cached);
    assertThat(usage.path("prompt_tokens_details").path("cache_creation_input_tokens").asLong())
        .isEqualTo(cacheCreation);
  }

  // The mappers write counts as longs; JsonNode equality distinguishes IntNode from LongNode.
  private static final com.fasterxml.jackson.databind.ObjectReader LONGS =
      Json.MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS);

  /** Parses expected JSON for equality with mapper output (integers as longs). */
  static JsonNode json(String text) {
    try {
      return LONGS.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
