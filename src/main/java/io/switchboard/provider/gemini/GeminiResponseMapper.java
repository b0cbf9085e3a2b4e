package io.switchboard.provider.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.time.Instant;
import java.util.UUID;

/** Gemini {@code GenerateContentResponse} to OpenAI {@code chat.completion}. */
public final class GeminiResponseMapper {
  private GeminiResponseMapper() {}

  /** {@code requestedModel} names the answer when Gemini does not say which model version answered. */
  public static ObjectNode toChatCompletion(JsonNode response, String requestedModel) {
    requireNonNull(response, "response");
    ObjectNode out = Json.object();
    out.put("id", completionId(response));
    out.put("object", "chat.completion");
    out.put("created", Instant.now().getEpochSecond());
    out.put("model", response.path("modelVersion").asText(requestedModel));
    ArrayNode choices = out.putArray("choices");
    JsonNode candidates = response.path("candidates");
    if (candidates.isEmpty()) {
      choices.add(blockedChoice(response.path("promptFeedback")));
    }
    for (int i = 0; i < candidates.size(); i++) {
      choices.add(choice(candidates.get(i), i));
    }
    out.set("usage", GeminiUsage.from(response.get("usageMetadata")).toOpenAi());
    return out;
  }

  static String completionId(JsonNode response) {
    String id = response.path("responseId").asText("");
    return id.isEmpty() ? "chatcmpl-" + UUID.randomUUID() : id;
  }

  private static ObjectNode choice(JsonNode candidate, int position) {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    boolean hasText = false;
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        toolCalls.add(toolCall(part, toolCalls.size()));
      } else if (part.path("text").isTextual()) {
        if (part.path("thought").asBoolean(false)) {
          reasoning.append(part.get("text").textValue());
        } else {
          text.append(part.get("text").textValue());
          hasText = true;
        }
      }
      // executableCode, inlineData and other parts have no Chat Completions equivalent.
    }
    ObjectNode choice = Json.object();
    choice.put("index", candidate.path("index").asInt(position));
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (hasText) {
      message.put("content", text.toString());
    } else {
      message.putNull("content");
    }
    message.putNull("refusal");
    if (!reasoning.isEmpty()) {
      message.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      message.set("tool_calls", toolCalls);
    }
    choice.putNull("logprobs");
    String finish = finishReason(candidate.path("finishReason").textValue(), !toolCalls.isEmpty());
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return choice;
  }

  /** No candidates: Gemini refused the prompt itself ({@code promptFeedback.blockReason}). */
  static ObjectNode blockedChoice(JsonNode feedback) {
    ObjectNode choice = Json.object();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.putNull("content");
    message.put("refusal", blockedMessage(feedback));
    choice.putNull("logprobs");
    choice.put("finish_reason", "content_filter");
    return choice;
  }

  static String blockedMessage(JsonNode feedback) {
    return "Gemini blocked the prompt (" + feedback.path("blockReason").asText("no candidates returned") + ").";
  }

  /** An OpenAI tool call; Gemini gives calls no id (or one clients cannot rely on), so one is made. */
  static ObjectNode toolCall(JsonNode part, int index) {
    JsonNode call = part.get("functionCall");
    ObjectNode out = Json.object();
    out.put("id", call.path("id").asText("").isEmpty() ? newToolCallId() : call.get("id").asText());
    out.put("type", "function");
    ObjectNode function = out.putObject("function");
    function.put("name", call.path("name").asText());
    JsonNode args = call.get("args");
    function.put("arguments", args == null || args.isNull() ? "{}" : Json.string(args));
    signature(part, out);
    return out;
  }

  /** Keeps Gemini's thought signature on the call, where Google's own OpenAI endpoint puts it, to send back. */
  static void signature(JsonNode part, ObjectNode toolCall) {
    if (part.path("thoughtSignature").isTextual()) {
      toolCall.putObject("extra_content").putObject("google")
          .put("thought_signature", part.get("thoughtSignature").textValue());
    }
  }

  static String newToolCallId() {
    return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  /** Gemini {@code finishReason} to OpenAI {@code finish_reason}; null (still running) stays null. */
  public static String finishReason(String reason, boolean calledTools) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
          "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> "content_filter";
      // STOP, and reasons with no OpenAI equivalent (OTHER, MALFORMED_FUNCTION_CALL, ...) ended the turn.
      default -> calledTools ? "tool_calls" : "stop";
    };
  }
}
