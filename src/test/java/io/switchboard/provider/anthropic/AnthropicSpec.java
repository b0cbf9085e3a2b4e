package io.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.provider.RecordedTraffic;
import java.util.ArrayList;
import java.util.List;

/**
 * A light structural check of a produced request against Anthropic's OpenAPI spec: required fields are
 * present and, where the spec closes an object (additionalProperties false), no other field is sent.
 */
final class AnthropicSpec {
  private static final JsonNode SCHEMAS =
      RecordedTraffic.json("/specs/anthropic/anthropic-stainless-openapi.json").path("components").path("schemas");

  private AnthropicSpec() {}

  static void assertValidCreateMessageParams(JsonNode request) {
    check("CreateMessageParams", request, "request");
    assertThat(request.path("messages").isArray()).isTrue();
    for (JsonNode message : request.path("messages")) {
      check("InputMessage", message, "message");
      assertThat(message.path("role").asText()).isIn("user", "assistant");
      for (JsonNode block : message.path("content")) {
        checkBlock(block);
      }
    }
    JsonNode system = request.path("system");
    if (system.isArray()) {
      system.forEach(b -> check("RequestTextBlock", b, "system block"));
    }
    if (request.has("metadata")) {
      check("Metadata", request.get("metadata"), "metadata");
    }
    for (JsonNode tool : request.path("tools")) {
      check("Tool", tool, "tool");
      check("InputSchema", tool.get("input_schema"), "input_schema");
    }
    if (request.has("tool_choice")) {
      JsonNode choice = request.get("tool_choice");
      String schema = switch (choice.path("type").asText()) {
        case "auto" -> "ToolChoiceAuto";
        case "any" -> "ToolChoiceAny";
        case "tool" -> "ToolChoiceTool";
        case "none" -> "ToolChoiceNone";
        default -> throw new AssertionError("tool_choice type: " + choice);
      };
      check(schema, choice, "tool_choice");
    }
  }

  private static void checkBlock(JsonNode block) {
    switch (block.path("type").asText()) {
      case "text" -> {
        check("RequestTextBlock", block, "text block");
        assertThat(block.path("text").asText()).as("text blocks are non-empty").isNotEmpty();
      }
      case "image" -> {
        check("RequestImageBlock", block, "image block");
        JsonNode source = block.get("source");
        check(source.path("type").asText().equals("base64") ? "Base64ImageSource" : "URLImageSource", source,
            "image source");
      }
      case "tool_use" -> check("RequestToolUseBlock", block, "tool_use block");
      case "tool_result" -> {
        check("RequestToolResultBlock", block, "tool_result block");
        if (block.path("content").isArray()) {
          block.get("content").forEach(AnthropicSpec::checkBlock);
        }
      }
      default -> throw new AssertionError("unexpected block: " + block);
    }
  }

  private static void check(String schemaName, JsonNode node, String what) {
    JsonNode schema = SCHEMAS.path(schemaName);
    assertThat(schema.isObject()).as("schema %s exists", schemaName).isTrue();
    assertThat(node.isObject()).as("%s is an object: %s", what, node).isTrue();
    List<String> missing = new ArrayList<>();
    schema.path("required").forEach(r -> {
      if (!node.has(r.asText())) {
        missing.add(r.asText());
      }
    });
    assertThat(missing).as("%s misses fields required by %s: %s", what, schemaName, node).isEmpty();
    if (schema.path("additionalProperties").isBoolean() && !schema.path("additionalProperties").asBoolean()) {
      List<String> unknown = new ArrayList<>();
      node.fieldNames().forEachRemaining(f -> {
        if (!schema.path("properties").has(f)) {
          unknown.add(f);
        }
      });
      assertThat(unknown).as("%s has fields %s does not allow: %s", what, schemaName, node).isEmpty();
    }
  }
}
