package io.switchboard.provider.cohere;

import static io.switchboard.provider.Requests.absent;
import static io.switchboard.provider.Requests.array;
import static io.switchboard.provider.Requests.invalid;
import static io.switchboard.provider.Requests.object;
import static io.switchboard.provider.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.UnsupportedParams;

/**
 * OpenAI chat messages to Cohere v2 messages. The roles are the same four (developer counts as system);
 * content parts are text and image_url, as Cohere's user content; tool results keep their tool_call_id.
 */
final class CohereMessageMapper {
  private CohereMessageMapper() {}

  static ArrayNode map(JsonNode messages, UnsupportedParams unsupported) {
    if (array(messages, "messages").isEmpty()) {
      throw invalid("messages", "messages: an empty array (expected: at least one message)");
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < messages.size(); i++) {
      String param = "messages[" + i + "]";
      JsonNode message = object(messages.get(i), param);
      String role = text(message.get("role"), param + ".role");
      if (!absent(message.get("name"))) {
        unsupported.handle(param + ".name");
      }
      out.add(switch (role) {
        case "system", "developer" -> Json.object().put("role", "system")
            .set("content", textContent(message.get("content"), param + ".content"));
        case "user" -> Json.object().put("role", "user")
            .set("content", userContent(message.get("content"), param + ".content"));
        case "assistant" -> assistant(message, param);
        case "tool" -> Json.object().put("role", "tool")
            .put("tool_call_id", text(message.get("tool_call_id"), param + ".tool_call_id"))
            .set("content", textContent(message.get("content"), param + ".content"));
        default -> throw invalid(param + ".role",
            param + ".role: \"" + role + "\" is not supported by cohere (expected: system, developer, user, assistant or tool)");
      });
    }
    return out;
  }

  private static ObjectNode assistant(JsonNode message, String param) {
    ObjectNode out = Json.object().put("role", "assistant");
    JsonNode content = message.get("content");
    JsonNode toolCalls = message.get("tool_calls");
    boolean hasCalls = !absent(toolCalls) && !array(toolCalls, param + ".tool_calls").isEmpty();
    if (!absent(content) && !(content.isTextual() && content.textValue().isEmpty() && hasCalls)) {
      out.set("content", textContent(content, param + ".content"));
    }
    if (hasCalls) {
      ArrayNode calls = out.putArray("tool_calls");
      for (int j = 0; j < toolCalls.size(); j++) {
        String callParam = param + ".tool_calls[" + j + "]";
        JsonNode call = object(toolCalls.get(j), callParam);
        JsonNode function = object(call.get("function"), callParam + ".function");
        ObjectNode mapped = calls.addObject();
        mapped.put("id", text(call.get("id"), callParam + ".id"));
        mapped.put("type", "function");
        mapped.putObject("function")
            .put("name", text(function.get("name"), callParam + ".function.name"))
            .put("arguments", text(function.get("arguments"), callParam + ".function.arguments"));
      }
    } else if (!out.has("content")) {
      throw invalid(param + ".content", param + ".content: missing (expected: content or tool_calls)");
    }
    return out;
  }

  /** A string stays a string; text parts become Cohere text parts. Other parts are not allowed here. */
  private static JsonNode textContent(JsonNode content, String param) {
    if (content != null && content.isTextual()) {
      return content;
    }
    array(content, param);
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (int j = 0; j < content.size(); j++) {
      String partParam = param + "[" + j + "]";
      JsonNode part = object(content.get(j), partParam);
      String type = text(part.get("type"), partParam + ".type");
      switch (type) {
        case "text" -> parts.addObject().put("type", "text").put("text", text(part.get("text"), partParam + ".text"));
        // An assistant's refusal is text the model said; Cohere has no refusal part.
        case "refusal" -> parts.addObject().put("type", "text")
            .put("text", text(part.get("refusal"), partParam + ".refusal"));
        default -> throw invalid(partParam + ".type",
            partParam + ".type: \"" + type + "\" is not supported by cohere here (expected: text)");
      }
    }
    return parts;
  }

  private static JsonNode userContent(JsonNode content, String param) {
    if (content != null && content.isTextual()) {
      return content;
    }
    array(content, param);
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (int j = 0; j < content.size(); j++) {
      String partParam = param + "[" + j + "]";
      JsonNode part = object(content.get(j), partParam);
      String type = text(part.get("type"), partParam + ".type");
      switch (type) {
        case "text" -> parts.addObject().put("type", "text").put("text", text(part.get("text"), partParam + ".text"));
        case "image_url" -> {
          JsonNode image = object(part.get("image_url"), partParam + ".image_url");
          ObjectNode url = parts.addObject().put("type", "image_url").putObject("image_url");
          url.put("url", text(image.get("url"), partParam + ".image_url.url"));
          if (!absent(image.get("detail"))) {
            url.put("detail", text(image.get("detail"), partParam + ".image_url.detail"));
          }
        }
        default -> throw invalid(partParam + ".type",
            partParam + ".type: \"" + type + "\" is not supported by cohere (expected: text or image_url)");
      }
    }
    return parts;
  }
}
