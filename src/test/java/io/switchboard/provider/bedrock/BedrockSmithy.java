package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.provider.RecordedTraffic;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Checks a produced JSON body against a shape of the Bedrock Runtime Smithy model: every member exists in
 * its structure or union, has the member's shape (recursively), required members are present, a union sets
 * exactly one member, enum values are allowed, blobs are base64. HTTP-bound members (path labels, headers)
 * must not appear in the body.
 */
final class BedrockSmithy {
  private static final String NS = "com.amazonaws.bedrockruntime#";
  private static final JsonNode SHAPES =
      RecordedTraffic.json("/specs/bedrock/bedrock-runtime-2023-09-30.smithy.json").path("shapes");

  private BedrockSmithy() {}

  static void assertValid(String shape, JsonNode value) {
    List<String> problems = new ArrayList<>();
    check(NS + shape, value, "$", problems);
    assertThat(problems).as("%s against %s", value, shape).isEmpty();
  }

  private static void check(String target, JsonNode value, String at, List<String> problems) {
    if (target.startsWith("smithy.api#")) {
      prelude(target.substring("smithy.api#".length()), value, at, problems);
      return;
    }
    JsonNode shape = SHAPES.path(target);
    if (shape.isMissingNode()) {
      problems.add(at + ": unknown shape " + target);
      return;
    }
    switch (shape.path("type").asText()) {
      case "structure" -> structure(shape, value, at, problems, false);
      case "union" -> structure(shape, value, at, problems, true);
      case "list" -> {
        if (!value.isArray()) {
          problems.add(at + ": expected a list");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(shape.path("member").path("target").asText(), value.get(i), at + "[" + i + "]", problems);
        }
      }
      case "map" -> {
        if (!value.isObject()) {
          problems.add(at + ": expected a map");
          return;
        }
        value.properties().forEach(e ->
            check(shape.path("value").path("target").asText(), e.getValue(), at + "." + e.getKey(), problems));
      }
      case "enum" -> {
        List<String> allowed = new ArrayList<>();
        shape.path("members").forEach(m -> allowed.add(m.path("traits").path("smithy.api#enumValue").asText()));
        if (!value.isTextual() || !allowed.contains(value.asText())) {
          problems.add(at + ": " + value + " is not one of " + allowed);
        }
      }
      default -> {
        prelude(shape.path("type").asText(), value, at, problems);
        JsonNode min = shape.path("traits").path("smithy.api#length").path("min");
        if (value.isTextual() && min.isInt() && value.asText().length() < min.asInt()) {
          problems.add(at + ": shorter than " + min.asInt());
        }
      }
    }
  }

  private static void structure(JsonNode shape, JsonNode value, String at, List<String> problems, boolean union) {
    if (!value.isObject()) {
      problems.add(at + ": expected an object");
      return;
    }
    JsonNode members = shape.path("members");
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      JsonNode member = members.get(field.getKey());
      if (member == null) {
        problems.add(at + "." + field.getKey() + ": no such member");
      } else if (member.path("traits").has("smithy.api#httpLabel") || member.path("traits").has("smithy.api#httpHeader")) {
        problems.add(at + "." + field.getKey() + ": bound to the URL or a header, not the body");
      } else {
        check(member.path("target").asText(), field.getValue(), at + "." + field.getKey(), problems);
      }
    }
    if (union && value.size() != 1) {
      problems.add(at + ": a union sets exactly one member, not " + value.size());
    }
    members.properties().forEach(m -> {
      JsonNode traits = m.getValue().path("traits");
      if (traits.has("smithy.api#required") && !traits.has("smithy.api#httpLabel") && !value.has(m.getKey())) {
        problems.add(at + "." + m.getKey() + ": required");
      }
    });
  }

  private static void prelude(String type, JsonNode value, String at, List<String> problems) {
    boolean ok = switch (type) {
      case "String" , "string" -> value.isTextual();
      case "Integer", "integer", "Long", "long" -> value.isIntegralNumber();
      case "Float", "float", "Double", "double" -> value.isNumber();
      case "Boolean", "boolean" -> value.isBoolean();
      case "Document", "document" -> true;
      case "Unit" -> value.isObject() && value.isEmpty();
      case "Blob", "blob" -> value.isTextual() && isBase64(value.asText());
      default -> false;
    };
    if (!ok) {
      problems.add(at + ": " + value.getNodeType() + " is not a " + type);
    }
  }

  private static boolean isBase64(String text) {
    try {
      Base64.getDecoder().decode(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
