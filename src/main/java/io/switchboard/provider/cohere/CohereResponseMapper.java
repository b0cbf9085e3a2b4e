package io.switchboard.provider.cohere;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.time.Instant;

/**
 * Cohere v2 chat response to OpenAI {@code chat.completion}. Text parts become the content; thinking parts
 * and the tool plan (the model's reasoning before it calls tools) become {@code reasoning_content};
 * citations have no Chat Completions field and are left out.
 */
public final class CohereResponseMapper {
  private CohereResponseMapper() {}

  /** {@code model}: Cohere's answer does not name it, so the routed model is used. */
  public static ObjectNode toChatCompletion(JsonNode response, String model) {
    requireNonNull(response, "response");
    JsonNode message = response.path("message");
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder(message.path("tool_plan").asText(""));
    boolean hasText = false;
    JsonNode content = message.path("content");
    if (content.isTextual()) {
      text.append(content.textValue());
      hasText = true;
    }
    for (JsonNode part : content) {
      switch (part.path("type").asText()) {
        case "text" -> {
          text.append(part.path("text").asText());
          hasText = true;
        }
        case "thinking" -> reasoning.append(part.path("thinking").asText());
        default -> {
          // image and future part types have no Chat Completions equivalent in an answer
        }
      }
    }
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (JsonNode call : message.path("tool_calls")) {
      ObjectNode mapped = toolCalls.addObject();
      mapped.put("id", call.path("id").asText());
      mapped.put("type", "function");
      mapped.putObject("function")
          .put("name", call.path("function").path("name").asText())
          .put("arguments", arguments(call.path("function").path("arguments").asText("")));
    }

    ObjectNode out = Json.object();
    out.put("id", response.path("id").asText());
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
    choice.put("finish_reason", finishReason(response.path("finish_reason").asText("")));
    out.set("usage", CohereUsage.from(response.get("usage")).toOpenAi());
    return out;
  }

  /**
   * Cohere {@code finish_reason} to OpenAI's. ERROR and TIMEOUT are not answers and are handled by the
   * caller before this is asked; an unknown reason still ended the turn normally.
   */
  static String finishReason(String reason) {
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "TOOL_CALL" -> "tool_calls";
      default -> "stop"; // COMPLETE, STOP_SEQUENCE
    };
  }

  /** Whether Cohere's finish_reason says the generation failed rather than finished. */
  static boolean failed(String reason) {
    return "ERROR".equals(reason) || "TIMEOUT".equals(reason);
  }

  /** A tool without parameters comes back as "" or "null"; OpenAI clients JSON-parse an object. */
  static String arguments(String raw) {
    String trimmed = raw.strip();
    return trimmed.isEmpty() || trimmed.equals("null") ? "{}" : raw;
  }
}
