package io.switchboard.provider.bedrock;

import static io.switchboard.provider.Requests.absent;
import static io.switchboard.provider.Requests.array;
import static io.switchboard.provider.Requests.invalid;
import static io.switchboard.provider.Requests.object;
import static io.switchboard.provider.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI {@code messages} to Converse {@code system} + {@code messages}. Converse has no system role, wants
 * user and assistant turns to alternate, and takes tool results as user-role content blocks.
 */
final class BedrockMessageMapper {
  private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+);base64,(.*)", Pattern.DOTALL);

  /** {@code system} is empty when there is none. */
  record Result(ArrayNode system, ArrayNode messages, boolean usesTools) {}

  private BedrockMessageMapper() {}

  static Result map(JsonNode messages) {
    array(messages, "messages");
    ArrayNode system = Json.MAPPER.createArrayNode();
    List<Turn> turns = new ArrayList<>();
    boolean usesTools = false;
    for (int i = 0; i < messages.size(); i++) {
      String param = "messages[" + i + "]";
      JsonNode message = object(messages.get(i), param);
      String role = text(message.get("role"), param + ".role");
      switch (role) {
        case "system", "developer" -> system.addAll(textBlocks(message.get("content"), param + ".content"));
        case "user" -> add(turns, "user", userBlocks(message.get("content"), param + ".content"));
        case "assistant" -> {
          List<ObjectNode> blocks = assistantBlocks(message, param);
          usesTools |= blocks.stream().anyMatch(b -> b.has("toolUse"));
          add(turns, "assistant", blocks);
        }
        case "tool" -> {
          usesTools = true;
          add(turns, "user", List.of(toolResult(message, param)));
        }
        default -> throw invalid(param + ".role",
            param + ".role: \"" + role + "\" (expected: system, developer, user, assistant or tool)");
      }
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Turn turn : turns) {
      ObjectNode m = out.addObject();
      m.put("role", turn.role);
      m.putArray("content").addAll(turn.orderedBlocks());
    }
    if (out.isEmpty()) {
      throw invalid("messages", "messages: no user or assistant message with content (expected: at least one)");
    }
    return new Result(system, out, usesTools);
  }

  /** One Converse message assembled from one or more consecutive OpenAI messages of the same role. */
  private static final class Turn {
    final String role;
    final List<ObjectNode> blocks = new ArrayList<>();

    Turn(String role) {
      this.role = role;
    }

    /** Tool results first in a user turn, answering the assistant's tool uses before anything new. */
    List<ObjectNode> orderedBlocks() {
      List<ObjectNode> ordered = new ArrayList<>(blocks.size());
      blocks.stream().filter(b -> b.has("toolResult")).forEach(ordered::add);
      blocks.stream().filter(b -> !b.has("toolResult")).forEach(ordered::add);
      return ordered;
    }
  }

  private static void add(List<Turn> turns, String role, List<ObjectNode> blocks) {
    if (blocks.isEmpty()) {
      return; // nothing to say: Converse rejects a message without content
    }
    Turn last = turns.isEmpty() ? null : turns.getLast();
    if (last == null || !last.role.equals(role)) {
      last = new Turn(role);
      turns.add(last);
    }
    last.blocks.addAll(blocks);
  }

  /** String or array of text parts (system, developer, tool content). */
  private static List<ObjectNode> textBlocks(JsonNode content, String param) {
    return parts(content, param, (type, part, partParam) -> {
      if (!type.equals("text")) {
        throw invalid(partParam + ".type", partParam + ".type: \"" + type + "\" (expected: text)");
      }
      return textBlock(text(part.get("text"), partParam + ".text"));
    });
  }

  private static List<ObjectNode> userBlocks(JsonNode content, String param) {
    return parts(content, param, (type, part, partParam) -> switch (type) {
      case "text" -> textBlock(text(part.get("text"), partParam + ".text"));
      case "image_url" -> List.of(image(part.get("image_url"), partParam + ".image_url"));
      default -> throw invalid(partParam + ".type",
          partParam + ".type: \"" + type + "\" is not supported by bedrock (expected: text or image_url)");
    });
  }

  @FunctionalInterface
  private interface PartMapper {
    List<ObjectNode> map(String type, JsonNode part, String partParam);
  }

  private static List<ObjectNode> parts(JsonNode content, String param, PartMapper mapper) {
    if (content != null && content.isTextual()) {
      return textBlock(content.textValue());
    }
    array(content, param);
    List<ObjectNode> blocks = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      String partParam = param + "[" + j + "]";
      JsonNode part = object(content.get(j), partParam);
      blocks.addAll(mapper.map(text(part.get("type"), partParam + ".type"), part, partParam));
    }
    return blocks;
  }

  private static List<ObjectNode> assistantBlocks(JsonNode message, String param) {
    List<ObjectNode> blocks = new ArrayList<>();
    JsonNode content = message.get("content");
    if (!absent(content)) {
      blocks.addAll(parts(content, param + ".content", (type, part, partParam) -> switch (type) {
        case "text" -> textBlock(text(part.get("text"), partParam + ".text"));
        case "refusal" -> textBlock(text(part.get("refusal"), partParam + ".refusal"));
        default -> throw invalid(partParam + ".type",
            partParam + ".type: \"" + type + "\" (expected: text or refusal)");
      }));
    }
    JsonNode toolCalls = message.get("tool_calls");
    if (!absent(toolCalls)) {
      array(toolCalls, param + ".tool_calls");
      for (int j = 0; j < toolCalls.size(); j++) {
        blocks.add(toolUse(toolCalls.get(j), param + ".tool_calls[" + j + "]"));
      }
    }
    if (!absent(message.get("function_call"))) {
      throw invalid(param + ".function_call",
          param + ".function_call is deprecated and not supported by bedrock (expected: tool_calls)");
    }
    return blocks;
  }

  private static ObjectNode toolUse(JsonNode call, String param) {
    object(call, param);
    String type = absent(call.get("type")) ? "function" : text(call.get("type"), param + ".type");
    if (!type.equals("function")) {
      throw invalid(param + ".type", param + ".type: \"" + type + "\" (expected: function)");
    }
    JsonNode function = object(call.get("function"), param + ".function");
    ObjectNode use = Json.object();
    use.put("toolUseId", text(call.get("id"), param + ".id"));
    use.put("name", text(function.get("name"), param + ".function.name"));
    use.set("input", arguments(function.get("arguments"), param + ".function.arguments"));
    ObjectNode block = Json.object();
    block.set("toolUse", use);
    return block;
  }

  /** OpenAI sends arguments as a JSON string; Converse wants the document itself. */
  private static JsonNode arguments(JsonNode arguments, String param) {
    String json = text(arguments, param);
    if (json.isBlank()) {
      return Json.object(); // some clients send "" for a call without parameters
    }
    JsonNode input;
    try {
      input = Json.parse(json);
    } catch (IOException e) {
      throw invalid(param, param + ": not valid JSON (expected: a JSON object)");
    }
    if (!input.isObject()) {
      throw invalid(param, param + ": a JSON " + input.getNodeType().name().toLowerCase(Locale.ROOT)
          + " (expected: a JSON object)");
    }
    return input;
  }

  private static ObjectNode toolResult(JsonNode message, String param) {
    ObjectNode result = Json.object();
    result.put("toolUseId", text(message.get("tool_call_id"), param + ".tool_call_id"));
    ArrayNode content = result.putArray("content");
    List<ObjectNode> blocks = textBlocks(message.get("content"), param + ".content");
    if (blocks.isEmpty()) {
      // Converse requires content and rejects blank text; an empty result is an empty JSON document.
      content.addObject().putObject("json");
    } else {
      content.addAll(blocks);
    }
    ObjectNode block = Json.object();
    block.set("toolResult", result);
    return block;
  }

  /** Zero or one text block: Converse rejects blank text. */
  private static List<ObjectNode> textBlock(String text) {
    if (text.isBlank()) {
      return List.of();
    }
    return List.of(Json.object().put("text", text));
  }

  private static ObjectNode image(JsonNode imageUrl, String param) {
    object(imageUrl, param);
    String url = text(imageUrl.get("url"), param + ".url");
    Matcher data = DATA_URL.matcher(url);
    if (!data.matches()) {
      throw invalid(param + ".url",
          param + ".url: bedrock takes images as data only (expected: data:image/<png|jpeg|gif|webp>;base64,...)");
    }
    String format = switch (data.group(1).toLowerCase(Locale.ROOT)) {
      case "image/png" -> "png";
      case "image/jpeg", "image/jpg" -> "jpeg";
      case "image/gif" -> "gif";
      case "image/webp" -> "webp";
      default -> throw invalid(param + ".url", param + ".url: \"" + data.group(1)
          + "\" is not an image type bedrock accepts (expected: image/png, image/jpeg, image/gif or image/webp)");
    };
    ObjectNode image = Json.object();
    image.put("format", format);
    // A Smithy blob travels in JSON as base64, which the data URL already is.
    image.putObject("source").put("bytes", data.group(2));
    ObjectNode block = Json.object();
    block.set("image", image);
    return block;
  }
}
