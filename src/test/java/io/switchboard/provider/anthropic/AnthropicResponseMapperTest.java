package io.switchboard.provider.anthropic;

import static io.switchboard.provider.RecordedTraffic.assertOpenAiAccepts;
import static io.switchboard.provider.anthropic.AnthropicStreamMapperTest.json;
import static io.switchboard.provider.anthropic.Fixtures.VERCEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.RecordedTraffic;
import java.time.Instant;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden tests: recorded Anthropic responses in, OpenAI chat.completion out. */
class AnthropicResponseMapperTest {

  @Test
  void text() {
    ObjectNode out = map("anthropic-text.json");
    assertThat(out.path("id").asText()).isEqualTo("msg_01VdEjxAP5ahtHKrrRdNBteQ");
    assertThat(out.path("object").asText()).isEqualTo("chat.completion");
    assertThat(out.path("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(out.path("created").asLong()).isCloseTo(Instant.now().getEpochSecond(), Offset.offset(5L));
    JsonNode choice = out.path("choices").get(0);
    assertThat(choice.path("index").asInt()).isZero();
    assertThat(choice.path("message")).isEqualTo(json("""
        {"role":"assistant",
         "content":"Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
         "refusal":null}"""));
    assertThat(choice.get("logprobs").isNull()).isTrue();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(out.path("usage")).isEqualTo(json("""
        {"prompt_tokens":12,"completion_tokens":29,"total_tokens":41,
         "prompt_tokens_details":{"cached_tokens":0,"cache_creation_input_tokens":0}}"""));
  }

  @Test
  void toolWithoutArguments() {
    JsonNode message = map("anthropic-tool-no-args.json").path("choices").get(0).path("message");
    assertThat(message.path("content").asText()).startsWith("<thinking>\nThe updateIssueList tool was provided")
        .endsWith("Okay, I will update the current issue list:");
    assertThat(message.path("tool_calls")).isEqualTo(json("""
        [{"id":"toolu_01LRmxn9vGM1d2DZSDBowdZ1","type":"function",
          "function":{"name":"updateIssueList","arguments":"{}"}}]"""));
    assertThat(map("anthropic-tool-no-args.json").path("choices").get(0).path("finish_reason").asText())
        .isEqualTo("tool_calls");
  }

  @Test
  void toolOnlyResponseHasNullContent() {
    ObjectNode out = map("anthropic-json-tool.1.json");
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.get("content").isNull()).isTrue();
    JsonNode call = message.path("tool_calls").get(0);
    assertThat(call.path("id").asText()).isEqualTo("toolu_01Q9ExVZnzZj7E2QQYHYtNUa");
    assertThat(call.path("function").path("name").asText()).isEqualTo("json");
    assertThat(json(call.path("function").path("arguments").asText())).isEqualTo(json("""
        {"elements":[
          {"location":"San Francisco","temperature":-5,"condition":"snowy"},
          {"location":"London","temperature":0,"condition":"snowy"},
          {"location":"Paris","temperature":23,"condition":"cloudy"},
          {"location":"Berlin","temperature":-9,"condition":"snowy"}]}"""));
    assertThat(out.path("usage").path("prompt_tokens").asLong()).isEqualTo(1151);
    assertThat(out.path("usage").path("completion_tokens").asLong()).isEqualTo(87);
  }

  @Test
  void multipleToolCallsInOrderAndServerBlocksIgnored() {
    ObjectNode out = map("anthropic-programmatic-tool-calling.1.json");
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.path("tool_calls")).hasSize(4);
    assertThat(message.path("tool_calls").findValuesAsText("id")).containsExactly(
        "toolu_01PMcE1JBKCeLjn83cgUCvR5", "toolu_01MZf5QJ1EQyd2yGyeLzBxAS",
        "toolu_01T7Upuuv8C71nq7DZ9ZPNQW", "toolu_016Da1tDet9Bf7dAdYTkF5Ar");
    assertThat(message.path("tool_calls").findValuesAsText("arguments")).containsExactly(
        "{\"player\":\"player2\"}", "{\"player\":\"player1\"}", "{\"player\":\"player1\"}",
        "{\"player\":\"player2\"}");
    assertThat(message.path("content").asText())
        .startsWith("I'll help you simulate this dice game between two players!")
        .contains("**Game Over!**");
    assertThat(out.path("usage").path("prompt_tokens").asLong()).isEqualTo(4243);
  }

  @Test
  void thinkingBecomesReasoningContent() {
    JsonNode message = map("anthropic-clear-thinking.1.json").path("choices").get(0).path("message");
    assertThat(message.path("reasoning_content").asText()).isEqualTo("925 divided by 5 = 185");
    assertThat(message.path("content").asText()).isEqualTo("925 ÷ 5 = 185");
  }

  @Test
  void refusal() {
    ObjectNode out = map("anthropic-refusal.json");
    JsonNode choice = out.path("choices").get(0);
    assertThat(choice.path("message").get("content").isNull()).isTrue();
    assertThat(choice.path("message").has("tool_calls")).isFalse();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("content_filter");
    assertThat(out.path("usage").path("total_tokens").asLong()).isEqualTo(23);
  }

  @ParameterizedTest
  @CsvSource(nullValues = "NULL", value = {
      "end_turn, stop", "stop_sequence, stop", "max_tokens, length", "tool_use, tool_calls",
      "refusal, content_filter", "pause_turn, stop", "model_context_window_exceeded, length",
      "something_new, stop", "NULL, NULL"})
  void finishReason(String stopReason, String expected) {
    assertThat(AnthropicResponseMapper.finishReason(stopReason)).isEqualTo(expected);
  }

  private static ObjectNode map(String fixture) {
    ObjectNode out = AnthropicResponseMapper.toChatCompletion(RecordedTraffic.json(VERCEL + fixture));
    assertOpenAiAccepts(out);
    return out;
  }
}
