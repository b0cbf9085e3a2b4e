package io.switchboard.provider.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.time.Instant;

/** Anthropic Messages response to OpenAI {@code chat.completion}. */
public final class AnthropicResponseMapper {
  private AnthropicResponseMapper() {}

  public static ObjectNode toChatCompletion(JsonNode message) {
    requireNonNull(message, "message");
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    boolean hasText = false;
    boolean hasReasoning = false;
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (JsonNode block : message.path("content")) {
      switch (block.path("type").asText()) {
        case "text" -> {
          text.append(block.path("text").asText());
          hasText = true;
        }
        case "thinking" -> {
          reasoning.append(block.path("thinking").asText());
          hasReasoning = true;
        }
        case "tool_use" -> toolCalls.add(toolCall(block));
        default -> {
          // redacted_thinking, server tool blocks and future types have no Chat Completions equivalent.
        }
      }
    }

    ObjectNode out = Json.object();
    out.put("id", message.path("id").asText());
    out.put("object", "chat.completion");
    out.put("created", Instant.now().getEpochSecond());
    out.put("model", message.path("model").asText());
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
    if (hasReasoning) {
      msg.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      msg.set("tool_calls", toolCalls);
    }
    choice.putNull("logprobs");
    String finish = finishReason(message.path("stop_reason").textValue());
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    out.set("usage", AnthropicUsage.from(message.get("usage")).toOpenAi());
    return out;
  }

  /** Anthropic {@code stop_reason} to OpenAI {@code finish_reason}; null stays null. */
  public static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      // end_turn, stop_sequence, pause_turn; an unknown reason still ended the turn normally.
      default -> "stop";
    };
  }

  private static ObjectNode toolCall(JsonNode block) {
    ObjectNode call = Json.object();
    call.put("id", block.path("id").asText());
    call.put("type", "function");
    ObjectNode function = call.putObject("function");
    function.put("name", block.path("name").asText());
    JsonNode input = block.get("input");
    function.put("arguments", input == null || input.isNull() ? "{}" : Json.string(input));
    return call;
  }
}
