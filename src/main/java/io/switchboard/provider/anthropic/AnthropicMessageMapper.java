package io.switchboard.provider.anthropic;

import static io.switchboard.provider.Requests.absent;
import static io.switchboard.provider.Requests.array;
import static io.switchboard.provider.Requests.invalid;
import static io.switchboard.provider.Requests.object;
import static io.switchboard.provider.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.api.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI {@code messages} to Anthropic {@code system} + {@code messages}. Anthropic has no system role and
 * wants user/assistant turns to alternate, and tool results are user-role content blocks.
 */
final class AnthropicMessageMapper {
  private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+);base64,(.*)", Pattern.DOTALL);

  /** {@code system} is null when there is none, a string, or an array of text blocks. */
  record Result(JsonNode system, ArrayNode messages) {}

  private AnthropicMessageMapper() {}

  static Result map(JsonNode messages) {
    array(messages, "messages");
    List<ObjectNode> systemBlocks = new ArrayList<>();
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String param = "messages[" + i + "]";
      JsonNode message = object(messages.get(i), param);
      String role = text(message.get("role"), param + ".role");
      switch (role) {
        case "system", "developer" -> systemBlocks.addAll(textBlocks(message.get("content"), param + ".content"));
        case "user" -> add(turns, "user", userBlocks(message.get("content"), param + ".content"));
        case "assistant" -> add(turns, "assistant", assistantBlocks(message, param));
        case "tool" -> add(turns, "user", List.of(toolResult(message, param)));
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
    return new Result(system(systemBlocks), out);
  }

  /** One Anthropic message being assembled from one or more consecutive OpenAI messages. */
  private static final class Turn {
    final String role;
    final List<ObjectNode> blocks = new ArrayList<>();

    Turn(String role) {
      this.role = role;
    }

    /** Anthropic rejects a user turn whose tool_result blocks do not come first. */
    List<ObjectNode> orderedBlocks() {
      List<ObjectNode> ordered = new ArrayList<>(blocks.size());
      blocks.stream().filter(b -> "tool_result".equals(b.path("type").asText())).forEach(ordered::add);
      blocks.stream().filter(b -> !"tool_result".equals(b.path("type").asText())).forEach(ordered::add);
      return ordered;
    }
  }

  private static void add(List<Turn> turns, String role, List<ObjectNode> blocks) {
    if (blocks.isEmpty()) {
      return; // nothing to say (e.g. an empty string): Anthropic rejects empty content
    }
    Turn last = turns.isEmpty() ? null : turns.getLast();
    if (last == null || !last.role.equals(role)) {
      last = new Turn(role);
      turns.add(last);
    }
    last.blocks.addAll(blocks);
  }

  private static JsonNode system(List<ObjectNode> blocks) {
    if (blocks.isEmpty()) {
      return null;
    }
    // A plain string unless a block carries more than text (cache_control), which only the array form keeps.
    if (blocks.stream().allMatch(b -> b.size() == 2)) {
      List<String> texts = blocks.stream().map(b -> b.path("text").textValue()).toList();
      return TextNode.valueOf(String.join("\n\n", texts));
    }
    ArrayNode array = Json.MAPPER.createArrayNode();
    blocks.forEach(array::add);
    return array;
  }

  /** String or array of text parts (system, developer, tool content). */
  private static List<ObjectNode> textBlocks(JsonNode content, String param) {
    return parts(content, param, (type, part, partParam) -> {
      if (!type.equals("text")) {
        throw invalid(partParam + ".type", partParam + ".type: \"" + type + "\" (expected: text)");
      }
      return textPart(part, partParam);
    });
  }

  private static List<ObjectNode> userBlocks(JsonNode content, String param) {
    return parts(content, param, (type, part, partParam) -> switch (type) {
      case "text" -> textPart(part, partParam);
      case "image_url" -> List.of(image(part.get("image_url"), partParam + ".image_url"));
      default -> throw invalid(partParam + ".type",
          partParam + ".type: \"" + type + "\" is not supported by anthropic (expected: text or image_url)");
    });
  }

  /** Maps one typed content part to blocks; {@code partParam} names it in errors. */
  @FunctionalInterface
  private interface PartMapper {
    List<ObjectNode> map(String type, JsonNode part, String partParam);
  }

  /** A string content, or each typed part of an array content through {@code mapper}. */
  private static List<ObjectNode> parts(JsonNode content, String param, PartMapper mapper) {
    if (content != null && content.isTextual()) {
      return textBlock(content.textValue(), null);
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
        case "text" -> textPart(part, partParam);
        // A refusal the model gave earlier is still what the assistant said.
        case "refusal" -> textBlock(text(part.get("refusal"), partParam + ".refusal"), null);
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
          param + ".function_call is deprecated and not supported by anthropic (expected: tool_calls)");
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
    ObjectNode block = Json.object();
    block.put("type", "tool_use");
    block.put("id", text(call.get("id"), param + ".id"));
    block.put("name", text(function.get("name"), param + ".function.name"));
    block.set("input", arguments(function.get("arguments"), param + ".function.arguments"));
    return block;
  }

  /** OpenAI sends arguments as a JSON string; Anthropic wants the object itself. */
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
      throw invalid(param, param + ": a JSON " + input.getNodeType().name().toLowerCase()
          + " (expected: a JSON object)");
    }
    return input;
  }

  private static ObjectNode toolResult(JsonNode message, String param) {
    ObjectNode block = Json.object();
    block.put("type", "tool_result");
    block.put("tool_use_id", text(message.get("tool_call_id"), param + ".tool_call_id"));
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      if (!content.textValue().isEmpty()) {
        block.put("content", content.textValue());
      }
    } else {
      List<ObjectNode> blocks = textBlocks(content, param + ".content");
      if (!blocks.isEmpty()) {
        block.putArray("content").addAll(blocks);
      }
    }
    return block;
  }

  private static List<ObjectNode> textPart(JsonNode part, String param) {
    return textBlock(text(part.get("text"), param + ".text"), part.get("cache_control"));
  }

  /** Zero or one text block: Anthropic rejects empty text blocks. */
  private static List<ObjectNode> textBlock(String text, JsonNode cacheControl) {
    if (text.isEmpty()) {
      return List.of();
    }
    ObjectNode block = Json.object();
    block.put("type", "text");
    block.put("text", text);
    // Not in OpenAI's schema, but clients of Anthropic-backed gateways send it to mark prompt-cache breakpoints.
    if (!absent(cacheControl)) {
      block.set("cache_control", cacheControl);
    }
    return List.of(block);
  }

  private static ObjectNode image(JsonNode imageUrl, String param) {
    object(imageUrl, param);
    String url = text(imageUrl.get("url"), param + ".url");
    ObjectNode source = Json.object();
    Matcher data = DATA_URL.matcher(url);
    if (data.matches()) {
      source.put("type", "base64");
      source.put("media_type", data.group(1));
      source.put("data", data.group(2));
    } else if (url.startsWith("https://") || url.startsWith("http://")) {
      source.put("type", "url");
      source.put("url", url);
    } else {
      throw invalid(param + ".url",
          param + ".url: not a base64 data URL or http(s) URL (expected: data:<type>;base64,... or https://...)");
    }
    ObjectNode block = Json.object();
    block.put("type", "image");
    block.set("source", source);
    return block;
  }
}
