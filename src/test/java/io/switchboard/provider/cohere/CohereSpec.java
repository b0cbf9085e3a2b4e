package io.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.provider.RecordedTraffic;
import java.util.ArrayList;
import java.util.List;

/**
 * A structural check of a produced request against the request schemas of Cohere's OpenAPI spec
 * (src/test/resources/specs/cohere): required fields are present, no field the schema does not declare
 * is sent, enums hold, and {@code oneOf} picks by the spec's discriminator.
 */
final class CohereSpec {
  private static final JsonNode SPEC = RecordedTraffic.json("/specs/cohere/cohere-v2-requests.json");
  private static final JsonNode SCHEMAS = SPEC.path("components").path("schemas");

  private CohereSpec() {}

  static void assertValidChatRequest(JsonNode request) {
    check(SPEC.path("paths").path("/v2/chat"), request, "request");
  }

  static void assertValidEmbedRequest(JsonNode request) {
    check(SPEC.path("paths").path("/v2/embed"), request, "request");
  }

  private static JsonNode resolve(JsonNode schema) {
    while (schema.has("$ref")) {
      String name = schema.get("$ref").asText().substring("#/components/schemas/".length());
      schema = SCHEMAS.path(name);
      assertThat(schema.isObject()).as("schema %s exists", name).isTrue();
    }
    return schema;
  }

  private static void check(JsonNode schema, JsonNode node, String where) {
    schema = resolve(schema);
    if (schema.has("oneOf")) {
      checkOneOf(schema, node, where);
      return;
    }
    if (schema.has("enum")) {
      List<String> allowed = new ArrayList<>();
      schema.get("enum").forEach(v -> allowed.add(v.asText()));
      assertThat(node.asText()).as("%s is one of %s", where, allowed).isIn(allowed);
    }
    switch (schema.path("type").asText("")) {
      case "object" -> {
        assertThat(node.isObject()).as("%s is an object: %s", where, node).isTrue();
        schema.path("required").forEach(r ->
            assertThat(node.has(r.asText())).as("%s has required field %s: %s", where, r.asText(), node).isTrue());
        JsonNode properties = schema.path("properties");
        if (properties.isObject() && !properties.isEmpty()) {
          node.properties().forEach(field -> {
            assertThat(properties.has(field.getKey()))
                .as("%s: field %s is declared by the spec", where, field.getKey()).isTrue();
            check(properties.get(field.getKey()), field.getValue(), where + "." + field.getKey());
          });
        }
      }
      case "array" -> {
        assertThat(node.isArray()).as("%s is an array", where).isTrue();
        for (int i = 0; i < node.size(); i++) {
          check(schema.path("items"), node.get(i), where + "[" + i + "]");
        }
      }
      case "string" -> assertThat(node.isTextual()).as("%s is a string", where).isTrue();
      case "integer" -> assertThat(node.isIntegralNumber()).as("%s is an integer", where).isTrue();
      case "number" -> assertThat(node.isNumber()).as("%s is a number", where).isTrue();
      case "boolean" -> assertThat(node.isBoolean()).as("%s is a boolean", where).isTrue();
      default -> {}
    }
  }

  private static void checkOneOf(JsonNode schema, JsonNode node, String where) {
    JsonNode discriminator = schema.path("discriminator");
    if (discriminator.isObject()) {
      String value = node.path(discriminator.path("propertyName").asText()).asText();
      JsonNode target = discriminator.path("mapping").path(value);
      assertThat(target.isTextual()).as("%s: discriminator value %s is known", where, value).isTrue();
      check(SCHEMAS.path(target.asText().substring("#/components/schemas/".length())), node, where);
      return;
    }
    // Without a discriminator: the option whose type matches the node's.
    for (JsonNode option : schema.get("oneOf")) {
      String type = resolve(option).path("type").asText("");
      if (type.equals("string") && node.isTextual() || type.equals("array") && node.isArray()
          || type.equals("object") && node.isObject()) {
        check(option, node, where);
        return;
      }
    }
    throw new AssertionError(where + " matches no oneOf option: " + node);
  }
}
