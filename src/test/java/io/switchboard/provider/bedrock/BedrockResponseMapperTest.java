package io.switchboard.provider.bedrock;

import static io.switchboard.provider.RecordedTraffic.assertOpenAiAccepts;
import static io.switchboard.provider.RecordedTraffic.json;
import static io.switchboard.provider.bedrock.BedrockFixtures.VERCEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden tests: recorded Converse responses in, OpenAI chat completions out. */
class BedrockResponseMapperTest {
  static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";

  @Test
  void text() {
    JsonNode recorded = json(VERCEL + "amazon-bedrock-text.json");
    ObjectNode out = BedrockResponseMapper.toChatCompletion(recorded, MODEL);

    assertOpenAiAccepts(out);
    assertThat(out.path("object").asText()).isEqualTo("chat.completion");
    assertThat(out.path("id").asText()).startsWith("chatcmpl-");
    assertThat(out.path("model").asText()).isEqualTo(MODEL);
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.path("role").asText()).isEqualTo("assistant");
    assertThat(message.path("content").asText())
        .isEqualTo(recorded.path("output").path("message").path("content").get(0).path("text").asText())
        .startsWith("Let me count the \"r\"s");
    assertThat(message.has("tool_calls")).isFalse();
    assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(out.path("usage").path("prompt_tokens").asInt()).isEqualTo(22);
    assertThat(out.path("usage").path("completion_tokens").asInt()).isEqualTo(57);
    assertThat(out.path("usage").path("total_tokens").asInt()).isEqualTo(79);
    assertThat(out.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isZero();
  }

  @Test
  void toolCall() throws IOException {
    ObjectNode out = BedrockResponseMapper.toChatCompletion(json(VERCEL + "amazon-bedrock-tool-call.1.json"), MODEL);

    assertOpenAiAccepts(out);
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.path("content").isNull()).isTrue();
    JsonNode call = message.path("tool_calls").get(0);
    assertThat(call.path("id").asText()).isEqualTo("tool-use-id");
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.path("function").path("name").asText()).isEqualTo("bash");
    assertThat(Json.parse(call.path("function").path("arguments").asText()))
        .isEqualTo(Json.object().put("command", "ls -l"));
    assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(out.path("usage").path("total_tokens").asInt()).isEqualTo(30);
  }

  @Test
  void reasoningIsKeptOutOfContent() {
    JsonNode recorded = json(VERCEL + "amazon-bedrock-reasoning.json");
    ObjectNode out = BedrockResponseMapper.toChatCompletion(recorded, MODEL);

    assertOpenAiAccepts(out);
    JsonNode content = recorded.path("output").path("message").path("content");
    JsonNode message = out.path("choices").get(0).path("message");
    assertThat(message.path("content").asText()).isEqualTo(content.get(1).path("text").asText());
    assertThat(message.path("reasoning_content").asText())
        .isEqualTo(content.get(0).path("reasoningContent").path("reasoningText").path("text").asText());
    assertThat(Json.string(out)).doesNotContain("signature");
  }

  @Test
  void everyRecordedResponseIsAValidCompletion() {
    for (String file : new String[] {"amazon-bedrock-json-other-tool.1.json", "amazon-bedrock-json-tool-with-answer.1.json",
        "amazon-bedrock-json-tool.1.json", "amazon-bedrock-json-tool.2.json", "amazon-bedrock-json-tool.3.json",
        "amazon-bedrock-json-with-tool.1.json", "amazon-bedrock-json-with-tools.1.json",
        "amazon-bedrock-tool-no-args.json"}) {
      JsonNode recorded = json(VERCEL + file);
      ObjectNode out = BedrockResponseMapper.toChatCompletion(recorded, MODEL);
      assertOpenAiAccepts(out);
      long toolUses = 0;
      for (JsonNode block : recorded.path("output").path("message").path("content")) {
        toolUses += block.has("toolUse") ? 1 : 0;
      }
      assertThat(out.path("choices").get(0).path("message").path("tool_calls").size()).as(file).isEqualTo((int) toolUses);
      assertThat(out.path("usage").path("prompt_tokens").asLong()).as(file)
          .isEqualTo(recorded.path("usage").path("inputTokens").asLong()
              + recorded.path("usage").path("cacheReadInputTokens").asLong()
              + recorded.path("usage").path("cacheWriteInputTokens").asLong());
    }
  }

  @Test
  void cacheTokensAreReportedAsOpenAiCachedTokens() throws IOException {
    JsonNode response = Json.parse("""
        {"output":{"message":{"role":"assistant","content":[{"text":"ok"}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":10,"outputTokens":5,"totalTokens":1215,"cacheReadInputTokens":1000,
                  "cacheWriteInputTokens":200}}""");
    JsonNode usage = BedrockResponseMapper.toChatCompletion(response, MODEL).path("usage");
    assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(1210);
    assertThat(usage.path("total_tokens").asInt()).isEqualTo(1215);
    assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(1000);
    assertThat(usage.path("prompt_tokens_details").path("cache_creation_input_tokens").asInt()).isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "tool_use,tool_calls",
      "guardrail_intervened,content_filter", "content_filtered,content_filter",
      "model_context_window_exceeded,length"})
  void stopReasons(String stopReason, String finish) {
    assertThat(BedrockResponseMapper.finishReason(stopReason)).isEqualTo(finish);
  }
}
