package io.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.Requests;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * JSON Schema (as OpenAI tools and response formats carry it) to Gemini's {@code Schema}, an OpenAPI 3.0
 * subset that rejects keywords it does not know: those are dropped, types are the proto's enum names, local {@code $ref}s are inlined,
 * {@code type: [x, "null"]} becomes {@code nullable}, and {@code const} a one-value {@code enum}.
 */
public final class GeminiSchema {
  /** Keywords copied unchanged: each is a field of Gemini's Schema message. */
  private static final Set<String> COPIED = Set.of("description", "title", "nullable", "minItems", "maxItems",
      "minProperties", "maxProperties", "minimum", "maximum", "minLength", "maxLength", "pattern", "example",
      "default", "propertyOrdering");
  private static final Set<String> FORMATS = Set.of("enum", "date-time", "int32", "int64", "float", "double");
  private static final int MAX_REF_DEPTH = 16;

  private GeminiSchema() {}

  /** The Gemini schema for {@code schema}; {@code param} names it in a 400 when it cannot be converted. */
  public static ObjectNode convert(JsonNode schema, String param) {
    return convert(schema, schema, param, 0);
  }

  /** An object schema without properties: Gemini wants no {@code parameters} at all for such a tool. */
  static boolean isEmptyObject(JsonNode schema) {
    return schema.isObject() && "object".equals(schema.path("type").asText("object"))
        && schema.path("properties").isEmpty() && !schema.has("anyOf") && !schema.has("oneOf")
        && !schema.has("allOf") && !schema.has("$ref");
  }

  private static ObjectNode convert(JsonNode schema, JsonNode root, String param, int depth) {
    if (schema.isBoolean() || schema.isEmpty()) {
      return Json.object(); // "anything": Gemini has no such schema, an empty one accepts any value
    }
    Requests.object(schema, param);
    if (schema.has("$ref")) {
      if (depth >= MAX_REF_DEPTH) {
        throw Requests.invalid(param, param + ": recursive $ref is not supported by gemini");
      }
      return convert(resolve(schema.get("$ref").asText(), root, param), root, param, depth + 1);
    }
    ObjectNode out = Json.object();
    JsonNode allOf = schema.get("allOf");
    if (allOf != null && allOf.isArray() && !allOf.isEmpty()) {
      // Gemini has no allOf: merge the parts' properties and requirements into one object.
      for (JsonNode part : allOf) {
        merge(out, convert(part, root, param, depth));
      }
    }
    type(schema.get("type"), out, param);
    schema.properties().forEach(e -> {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (COPIED.contains(key)) {
        out.set(key, value);
      } else if (key.equals("format") && FORMATS.contains(value.asText())) {
        out.set(key, value);
      }
    });
    if (schema.has("const")) {
      out.putArray("enum").add(schema.get("const").asText());
    } else if (schema.path("enum").isArray()) {
      ArrayNode values = out.putArray("enum");
      schema.get("enum").forEach(v -> {
        if (v.isNull()) {
          out.put("nullable", true);
        } else {
          values.add(v.asText());
        }
      });
    }
    JsonNode properties = schema.get("properties");
    if (properties != null && properties.isObject()) {
      ObjectNode props = out.withObjectProperty("properties");
      properties.properties().forEach(e ->
          props.set(e.getKey(), convert(e.getValue(), root, param + ".properties." + e.getKey(), depth)));
      JsonNode required = schema.get("required");
      if (required != null && required.isArray()) {
        ArrayNode req = out.withArrayProperty("required");
        required.forEach(r -> {
          if (properties.has(r.asText()) && !contains(req, r.asText())) {
            req.add(r.asText());
          }
        });
      }
    }
    JsonNode items = schema.get("items");
    if (items != null && (items.isObject() || items.isBoolean())) {
      out.set("items", convert(items, root, param + ".items", depth));
    }
    List<JsonNode> alternatives = new ArrayList<>();
    for (String key : List.of("anyOf", "oneOf")) {
      if (schema.path(key).isArray()) {
        schema.get(key).forEach(alternatives::add);
      }
    }
    if (!alternatives.isEmpty()) {
      ArrayNode anyOf = out.putArray("anyOf");
      for (JsonNode alternative : alternatives) {
        if ("null".equals(alternative.path("type").asText()) && alternative.size() == 1) {
          out.put("nullable", true); // {anyOf: [X, {type: null}]} is a nullable X
        } else {
          anyOf.add(convert(alternative, root, param + ".anyOf", depth));
        }
      }
      if (anyOf.size() == 1 && !out.has("type") && !out.has("properties")) {
        ObjectNode only = (ObjectNode) anyOf.get(0);
        out.remove("anyOf");
        only.properties().forEach(e -> out.putIfAbsent(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  private static void type(JsonNode type, ObjectNode out, String param) {
    if (type == null) {
      return;
    }
    if (type.isTextual()) {
      if (type.asText().equals("null")) {
        out.put("nullable", true);
      } else {
        out.put("type", type.asText().toUpperCase(Locale.ROOT));
      }
      return;
    }
    Requests.array(type, param + ".type");
    List<String> types = new ArrayList<>();
    for (JsonNode t : type) {
      if (t.asText().equals("null")) {
        out.put("nullable", true);
      } else {
        types.add(t.asText());
      }
    }
    if (types.size() == 1) {
      out.put("type", types.getFirst().toUpperCase(Locale.ROOT));
    } else if (types.size() > 1) {
      ArrayNode anyOf = out.putArray("anyOf");
      types.forEach(t -> anyOf.addObject().put("type", t.toUpperCase(Locale.ROOT)));
    }
  }

  private static JsonNode resolve(String ref, JsonNode root, String param) {
    for (String prefix : List.of("#/$defs/", "#/definitions/")) {
      if (ref.startsWith(prefix)) {
        JsonNode target = root.path(prefix.substring(2, prefix.length() - 1)).path(ref.substring(prefix.length()));
        if (target.isObject()) {
          return target;
        }
      }
    }
    if (ref.equals("#")) {
      return root;
    }
    throw Requests.invalid(param, param + ": $ref \"" + ref + "\" cannot be resolved (expected: #/$defs/<name>)");
  }

  private static void merge(ObjectNode into, ObjectNode part) {
    part.properties().forEach(e -> {
      switch (e.getKey()) {
        case "properties" -> into.withObjectProperty("properties").setAll((ObjectNode) e.getValue());
        case "required" -> e.getValue().forEach(r -> {
          if (!contains(into.withArrayProperty("required"), r.asText())) {
            into.withArrayProperty("required").add(r.asText());
          }
        });
        default -> into.set(e.getKey(), e.getValue());
      }
    });
  }

  private static boolean contains(ArrayNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }
}
