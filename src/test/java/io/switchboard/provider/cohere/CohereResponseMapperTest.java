package io.switchboard.provider.cohere;

import static io.switchboard.provider.RecordedTraffic.assertOpenAiAccepts;
import static io.switchboard.provider.RecordedTraffic.json;
import static io.switchboard.provider.cohere.CohereFixtures.VERCEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import org.junit.jupiter.api.Test;

/** Golden tests: recorded Cohere v2 chat responses in, OpenAI chat completions out. */
class CohereResponseMapperTest {
  private static ObjectNode map(String fixture) {
    ObjectNode out = CohereResponseMapper.toChatCompletion(json(VERCEL + fixture), "command-a-03-2025");
    assertOpenAiAccepts(out);
    return out;
  }

  private static void assertUsage(JsonNode usage, long prompt, long completion, long cached) {
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(prompt);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(completion);
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(prompt + completion);
    assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(cached);
  }

  @Test
  void text() {
    ObjectNode out = map("cohere-text.json");
    assertThat(out.path("id").asText()).isEqualTo("e7592632-1e3d-424f-b129-bd5f9f980f7b");
    assertThat(out.path("object").asText()).isEqualTo("chat.completion");
    assertThat(out.path("model").asText()).isEqualTo("command-a-03-2025");
    JsonNode choice = out.path("choices").get(0);
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isEqualTo("The capital of France is Paris.");
    assertThat(choice.path("message").has("tool_calls")).isFalse();
    assertThat(choice.path("message").has("reasoning_content")).isFalse();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertUsage(out.path("usage"), 507, 10, 448);
  }

  @Test
  void toolCallsKeepIdsNamesAndArgumentsAndThePlanIsReasoning() {
    ObjectNode out = map("cohere-tool-call.json");
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.path("content").isNull()).isTrue();
    assertThat(message.path("reasoning_content").asText()).startsWith("I will use the weather tool");
    JsonNode calls = message.path("tool_calls");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).path("id").asText()).isEqualTo("weather_dqgshstja6p9");
    assertThat(calls.get(0).path("type").asText()).isEqualTo("function");
    assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("weather");
    assertThat(calls.get(0).path("function").path("arguments").asText()).isEqualTo("{\"location\":\"San Francisco\"}");
    assertThat(calls.get(1).path("function").path("name").asText()).isEqualTo("cityAttractions");
    assertThat(calls.get(1).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"San Francisco\"}");
    assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    assertUsage(out.path("usage"), 1549, 103, 992);
  }

  @Test
  void nullArgumentsBecomeAnEmptyObject() {
    JsonNode call = map("cohere-null-args.json").path("choices").get(0).path("message").path("tool_calls").get(0);
    assertThat(call.path("function").path("name").asText()).isEqualTo("currentTime");
    assertThat(call.path("function").path("arguments").asText()).isEqualTo("{}");
  }

  @Test
  void thinkingIsReasoningNotContent() {
    JsonNode message = map("cohere-reasoning.json").path("choices").get(0).path("message");
    assertThat(message.path("content").asText()).isEqualTo("2 + 2 = 4");
    assertThat(message.path("reasoning_content").asText())
        .isEqualTo("Okay, so I need to figure out what 2 + 2 is. Let me start by recalling what addition means.");
  }

  @Test
  void citationsAreLeftOutAndTheTextIsWhole() {
    ObjectNode out = map("cohere-citations.json");
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.path("content").asText()).isEqualTo(
        "The key benefits mentioned in this document are:\n1. Automation of tasks\n2. Better decision-making\n3. Cost reduction");
    assertThat(message.has("citations")).isFalse();
    assertUsage(out.path("usage"), 1683, 62, 992);
  }

  @Test
  void maxTokensIsLength() {
    ObjectNode out = map("cohere-max-tokens.json");
    assertThat(out.path("choices").get(0).path("message").path("content").asText()).isEqualTo("**The History of");
    assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void billedUnitsStandInWhenTokensAreAbsent() throws Exception {
    JsonNode response = Json.parse("""
        {"id":"x","message":{"role":"assistant","content":[{"type":"text","text":"hi"}]},
         "finish_reason":"STOP_SEQUENCE","usage":{"billed_units":{"input_tokens":3,"output_tokens":1}}}""");
    ObjectNode out = CohereResponseMapper.toChatCompletion(response, "command-r");
    assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    assertUsage(out.path("usage"), 3, 1, 0);
  }

  @Test
  void finishReasons() {
    assertThat(CohereResponseMapper.finishReason("COMPLETE")).isEqualTo("stop");
    assertThat(CohereResponseMapper.finishReason("STOP_SEQUENCE")).isEqualTo("stop");
    assertThat(CohereResponseMapper.finishReason("MAX_TOKENS")).isEqualTo("length");
    assertThat(CohereResponseMapper.finishReason("TOOL_CALL")).isEqualTo("tool_calls");
    assertThat(CohereResponseMapper.failed("ERROR")).isTrue();
    assertThat(CohereResponseMapper.failed("TIMEOUT")).isTrue();
    assertThat(CohereResponseMapper.failed("COMPLETE")).isFalse();
  }
}
