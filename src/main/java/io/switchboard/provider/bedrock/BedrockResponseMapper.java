package io.switchboard.provider.bedrock;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.time.Instant;
import java.util.UUID;

/** Converse response to OpenAI {@code chat.completion}. Converse names neither the response nor the model. */
public final class BedrockResponseMapper {
  private BedrockResponseMapper() {}

  /** {@code model} is the model asked for; the completion id is made here. */
  public static ObjectNode toChatCompletion(JsonNode response, String model) {
    requireNonNull(response, "response");
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    boolean hasText = false;
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (JsonNode block : response.path("output").path("message").path("content")) {
      if (block.path("text").isTextual()) {
        text.append(block.get("text").asText());
        hasText = true;
      } else if (block.path("toolUse").isObject()) {
        toolCalls.add(toolCall(block.get("toolUse")));
      } else if (block.path("reasoningContent").path("reasoningText").path("text").isTextual()) {
        // Kept apart from the answer, as reasoning_content, the way the Anthropic adapter gives thinking.
        reasoning.append(block.get("reasoningContent").get("reasoningText").get("text").asText());
      }
      // redactedContent, citations, images and later block types have no Chat Completions equivalent.
    }

    ObjectNode out = Json.object();
    out.put("id", newId());
    out.put("object", "chat.completion");
    out.put("created", Instant.now().getEpochSecond());
    out.put("model", model);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    if (hasText) {
      msg.put("content", text.toString());
    } else {
      msg.putNull("content");
    }
    msg.putNull("refusal");
    if (!reasoning.isEmpty()) {
      msg.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      msg.set("tool_calls", toolCalls);
    }
    choice.putNull("logprobs");
    String finish = finishReason(response.path("stopReason").textValue());
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    out.set("usage", BedrockUsage.from(response.get("usage")).toOpenAi());
    return out;
  }

  /** Converse {@code stopReason} to OpenAI {@code finish_reason}; null stays null. */
  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "guardrail_intervened", "content_filtered" -> "content_filter";
      // end_turn, stop_sequence; an unknown reason still ended the turn.
      default -> "stop";
    };
  }

  static String newId() {
    return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
  }

  private static ObjectNode toolCall(JsonNode use) {
    ObjectNode call = Json.object();
    call.put("id", use.path("toolUseId").asText());
    call.put("type", "function");
    ObjectNode function = call.putObject("function");
    function.put("name", use.path("name").asText());
    JsonNode input = use.get("input");
    function.put("arguments", input == null || input.isNull() ? "{}" : Json.string(input));
    return call;
  }
}
