package io.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.provider.RecordedTraffic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A structural check of produced requests against the Gemini API protos (googleapis,
 * google/ai/generativelanguage/v1beta): every field sent exists in its message (by its proto3 JSON name),
 * has the right JSON kind, enum values are the enum's names, and a oneof has at most one member set.
 */
final class GeminiSpec {
  record Field(String name, String type, boolean repeated, boolean map, String oneof) {}

  record Message(String name, Map<String, Field> fields) {}

  private static final Pattern TOKEN = Pattern.compile(
      "(?<msg>message\\s+(?<msgName>\\w+)\\s*\\{)"
          + "|(?<enm>enum\\s+(?<enumName>\\w+)\\s*\\{)"
          + "|(?<oneof>oneof\\s+(?<oneofName>\\w+)\\s*\\{)"
          + "|(?<open>\\{)"
          + "|(?<close>\\})"
          + "|(?<field>(?<label>optional\\s+|repeated\\s+)?(?:map<\\s*\\w+\\s*,\\s*(?<mapValue>[\\w.]+)\\s*>|(?<type>[\\w.]+))"
          + "\\s+(?<fieldName>\\w+)\\s*=\\s*\\d+\\s*(?<options>\\[[^;]*\\])?\\s*;)"
          + "|(?<value>(?<valueName>\\w+)\\s*=\\s*\\d+\\s*;)"
          + "|(?<other>[^\\s{}]+)");
  private static final Pattern JSON_NAME = Pattern.compile("json_name\\s*=\\s*\"(\\w+)\"");

  private static final Map<String, Message> MESSAGES = new HashMap<>();
  private static final Map<String, Set<String>> ENUMS = new HashMap<>();

  static {
    parse(RecordedTraffic.bytes("/specs/gemini/content.proto").toString(StandardCharsets.UTF_8));
    parse(RecordedTraffic.bytes("/specs/gemini/generative_service.proto").toString(StandardCharsets.UTF_8));
  }

  private GeminiSpec() {}

  static void assertValidGenerateContentRequest(JsonNode request) {
    assertThat(request.path("contents").isArray()).as("contents is required").isTrue();
    for (JsonNode content : request.get("contents")) {
      assertThat(content.path("role").asText()).isIn("user", "model");
      assertThat(content.path("parts")).as("a content has parts").isNotEmpty();
    }
    // model is in the URL; the REST body need not repeat it
    check("GenerateContentRequest", request, "request", "GenerateContentRequest");
  }

  static void assertValidBatchEmbedContentsRequest(JsonNode request) {
    check("BatchEmbedContentsRequest", request, "request", "BatchEmbedContentsRequest");
  }

  private static void check(String messageName, JsonNode node, String path, String scope) {
    Message message = resolve(messageName, scope);
    assertThat(message).as("message %s in the spec", messageName).isNotNull();
    assertThat(node.isObject()).as("%s is an object (%s)", path, messageName).isTrue();
    Map<String, String> oneofs = new HashMap<>();
    node.properties().forEach(e -> {
      Field field = message.fields().get(e.getKey());
      assertThat(field).as("%s.%s is a field of %s", path, e.getKey(), message.name()).isNotNull();
      if (field.oneof() != null) {
        String other = oneofs.put(field.oneof(), e.getKey());
        assertThat(other).as("%s sets one member of oneof %s", path, field.oneof()).isNull();
      }
      String where = path + "." + e.getKey();
      if (field.map()) {
        e.getValue().properties().forEach(v -> value(field, v.getValue(), where + "." + v.getKey(), message.name()));
      } else if (field.repeated()) {
        assertThat(e.getValue().isArray()).as("%s is repeated", where).isTrue();
        for (int i = 0; i < e.getValue().size(); i++) {
          value(field, e.getValue().get(i), where + "[" + i + "]", message.name());
        }
      } else {
        value(field, e.getValue(), where, message.name());
      }
    });
  }

  private static void value(Field field, JsonNode value, String path, String scope) {
    String type = field.type();
    switch (type) {
      case "string", "bytes" -> assertThat(value.isTextual()).as("%s is a string", path).isTrue();
      case "bool" -> assertThat(value.isBoolean()).as("%s is a boolean", path).isTrue();
      case "int32", "int64", "uint32", "uint64" ->
          assertThat(value.isIntegralNumber() || value.isTextual() && value.asText().matches("-?\\d+"))
              .as("%s is an integer", path).isTrue();
      case "float", "double" -> assertThat(value.isNumber()).as("%s is a number", path).isTrue();
      case "google.protobuf.Struct" -> assertThat(value.isObject()).as("%s is a JSON object", path).isTrue();
      case "google.protobuf.Value" -> {} // any JSON
      default -> {
        Set<String> enumValues = resolveEnum(type, scope);
        if (enumValues != null) {
          assertThat(value.asText()).as("%s is a value of enum %s", path, type).isIn(enumValues);
        } else {
          check(type, value, path, scope);
        }
      }
    }
  }

  private static Message resolve(String type, String scope) {
    String simple = type.substring(type.lastIndexOf('.') + 1);
    Message nested = MESSAGES.get(scope + "." + simple);
    return nested != null ? nested : MESSAGES.get(simple);
  }

  private static Set<String> resolveEnum(String type, String scope) {
    String simple = type.substring(type.lastIndexOf('.') + 1);
    Set<String> nested = ENUMS.get(scope + "." + simple);
    return nested != null ? nested : ENUMS.get(simple);
  }

  private static void parse(String proto) {
    String text = proto.replaceAll("//[^\n]*", "");
    // Each frame: kind (message, enum, oneof) and its name; messages are keyed by their nesting path.
    List<String[]> stack = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      if (m.group("msg") != null) {
        String name = nestedName(stack, m.group("msgName"));
        MESSAGES.put(name, new Message(name, new HashMap<>()));
        stack.add(new String[] {"message", name});
      } else if (m.group("enm") != null) {
        String name = nestedName(stack, m.group("enumName"));
        ENUMS.put(name, new java.util.HashSet<>());
        stack.add(new String[] {"enum", name});
      } else if (m.group("oneof") != null) {
        stack.add(new String[] {"oneof", m.group("oneofName")});
      } else if (m.group("open") != null) {
        stack.add(new String[] {"block", ""}); // rpc and option bodies
      } else if (m.group("close") != null) {
        if (!stack.isEmpty()) {
          stack.removeLast();
        }
      } else if (m.group("field") != null && currentMessage(stack) != null && !inEnum(stack)) {
        String protoName = m.group("fieldName");
        String options = m.group("options") == null ? "" : m.group("options");
        Matcher json = JSON_NAME.matcher(options);
        String jsonName = json.find() ? json.group(1) : camel(protoName);
        boolean map = m.group("mapValue") != null;
        String type = map ? m.group("mapValue") : m.group("type");
        String label = m.group("label") == null ? "" : m.group("label").strip();
        String oneof = stack.getLast()[0].equals("oneof") ? stack.getLast()[1] : null;
        MESSAGES.get(currentMessage(stack)).fields().put(jsonName,
            new Field(jsonName, type, label.equals("repeated"), map, oneof));
      } else if (m.group("value") != null && inEnum(stack)) {
        ENUMS.get(stack.getLast()[1]).add(m.group("valueName"));
      }
    }
  }

  private static String nestedName(List<String[]> stack, String name) {
    String parent = currentMessage(stack);
    return parent == null ? name : parent + "." + name;
  }

  private static String currentMessage(List<String[]> stack) {
    for (int i = stack.size() - 1; i >= 0; i--) {
      if (stack.get(i)[0].equals("message")) {
        return stack.get(i)[1];
      }
    }
    return null;
  }

  private static boolean inEnum(List<String[]> stack) {
    return !stack.isEmpty() && stack.getLast()[0].equals("enum");
  }

  private static String camel(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  /** For a sanity test: the spec was read. */
  static Message message(String name) {
    return MESSAGES.get(name);
  }
}
