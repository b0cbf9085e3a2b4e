package io.switchboard.provider.gemini;

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
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI {@code messages} to Gemini {@code systemInstruction} + {@code contents}. Gemini has roles user and
 * model only: system messages become the system instruction, tool results user-role functionResponse
 * parts (named after the call they answer), and adjacent turns of one role are merged.
 */
final class GeminiContentMapper {
  private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+);base64,(.*)", Pattern.DOTALL);
  /**
   * Gemini 3 refuses a functionCall part without the thought signature it was sent with. A client that did
   * not keep ours (extra_content.google.thought_signature) gets the value Google documents for history
   * that was not produced by Gemini.
   */
  static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

  /** {@code systemInstruction} is null when there is no system message. */
  record Result(ObjectNode systemInstruction, ArrayNode contents) {}

  private GeminiContentMapper() {}

  static Result map(JsonNode messages) {
    array(messages, "messages");
    ArrayNode systemParts = Json.MAPPER.createArrayNode();
    ArrayNode contents = Json.MAPPER.createArrayNode();
    Map<String, String> toolNames = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      String param = "messages[" + i + "]";
      JsonNode message = object(messages.get(i), param);
      String role = text(message.get("role"), param + ".role");
      switch (role) {
        case "system", "developer" -> systemParts.addAll(textParts(message.get("content"), param + ".content"));
        case "user" -> add(contents, "user", userParts(message.get("content"), param + ".content"));
        case "assistant" -> add(contents, "model", assistantParts(message, param, toolNames));
        case "tool" -> add(contents, "user", Json.MAPPER.createArrayNode().add(toolResult(message, param, toolNames)));
        default -> throw invalid(param + ".role",
            param + ".role: \"" + role + "\" (expected: system, developer, user, assistant or tool)");
      }
    }
    if (contents.isEmpty()) {
      throw invalid("messages", "messages: no user or assistant message with content (expected: at least one)");
    }
    ObjectNode system = null;
    if (!systemParts.isEmpty()) {
      system = Json.object();
      system.set("parts", systemParts);
    }
    return new Result(system, contents);
  }

  private static void add(ArrayNode contents, String role, ArrayNode parts) {
    if (parts.isEmpty()) {
      return;
    }
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    if (last != null && role.equals(last.path("role").asText())) {
      ((ArrayNode) last.get("parts")).addAll(parts);
      return;
    }
    ObjectNode content = contents.addObject();
    content.put("role", role);
    content.set("parts", parts);
  }

  private static ArrayNode textParts(JsonNode content, String param) {
    ArrayNode parts = Json.MAPPER.createArrayNode();
    if (content != null && content.isTextual()) {
      if (!content.textValue().isEmpty()) {
        parts.addObject().put("text", content.textValue());
      }
      return parts;
    }
    array(content, param);
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = object(content.get(i), param + "[" + i + "]");
      String type = text(part.get("type"), param + "[" + i + "].type");
      if (!type.equals("text")) {
        throw invalid(param + "[" + i + "].type",
            param + "[" + i + "].type: \"" + type + "\" is not allowed here (expected: text)");
      }
      parts.addObject().put("text", text(part.get("text"), param + "[" + i + "].text"));
    }
    return parts;
  }

  private static ArrayNode userParts(JsonNode content, String param) {
    if (content == null || content.isTextual()) {
      return textParts(content, param);
    }
    array(content, param);
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (int i = 0; i < content.size(); i++) {
      String p = param + "[" + i + "]";
      JsonNode part = object(content.get(i), p);
      String type = text(part.get("type"), p + ".type");
      switch (type) {
        case "text" -> parts.addObject().put("text", text(part.get("text"), p + ".text"));
        case "image_url" -> {
          JsonNode image = part.get("image_url");
          String url = image != null && image.isTextual() ? image.textValue()
              : text(object(image, p + ".image_url").get("url"), p + ".image_url.url");
          parts.add(media(url, p + ".image_url.url", "image/jpeg"));
        }
        case "input_audio" -> {
          JsonNode audio = object(part.get("input_audio"), p + ".input_audio");
          String format = text(audio.get("format"), p + ".input_audio.format");
          ObjectNode inline = parts.addObject().putObject("inlineData");
          inline.put("mimeType", "audio/" + (format.equals("mp3") ? "mpeg" : format));
          inline.put("data", text(audio.get("data"), p + ".input_audio.data"));
        }
        case "file" -> {
          JsonNode file = object(part.get("file"), p + ".file");
          if (absent(file.get("file_data"))) {
            throw invalid(p + ".file", p + ".file: only file_data is supported by gemini (file_id is OpenAI's)");
          }
          parts.add(media(text(file.get("file_data"), p + ".file.file_data"), p + ".file.file_data",
              "application/pdf"));
        }
        default -> throw invalid(p + ".type",
            p + ".type: \"" + type + "\" (expected: text, image_url, input_audio or file)");
      }
    }
    return parts;
  }

  /** A data URL becomes inline bytes; an http(s) or gs:// URL a file reference Gemini fetches itself. */
  private static ObjectNode media(String url, String param, String defaultMime) {
    ObjectNode part = Json.object();
    Matcher m = DATA_URL.matcher(url);
    if (m.matches()) {
      part.putObject("inlineData").put("mimeType", m.group(1)).put("data", m.group(2));
      return part;
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (!(lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("gs://"))) {
      throw invalid(param, param + ": expected a data:<mime>;base64, URL or an http(s) URL");
    }
    part.putObject("fileData").put("mimeType", mimeFromUrl(lower, defaultMime)).put("fileUri", url);
    return part;
  }

  private static String mimeFromUrl(String url, String fallback) {
    String path = url.replaceAll("[?#].*$", "");
    Map<String, String> byExtension = Map.of(".png", "image/png", ".jpg", "image/jpeg", ".jpeg", "image/jpeg",
        ".gif", "image/gif", ".webp", "image/webp", ".pdf", "application/pdf", ".mp3", "audio/mpeg",
        ".wav", "audio/wav", ".mp4", "video/mp4");
    return byExtension.entrySet().stream().filter(e -> path.endsWith(e.getKey())).map(Map.Entry::getValue)
        .findFirst().orElse(fallback);
  }

  private static ArrayNode assistantParts(JsonNode message, String param, Map<String, String> toolNames) {
    JsonNode content = message.get("content");
    ArrayNode parts = absent(content) ? Json.MAPPER.createArrayNode() : textParts(
        content.isArray() ? textOnly(content) : content, param + ".content");
    JsonNode calls = message.get("tool_calls");
    if (absent(calls)) {
      return parts;
    }
    array(calls, param + ".tool_calls");
    boolean first = true;
    for (int i = 0; i < calls.size(); i++) {
      String p = param + ".tool_calls[" + i + "]";
      JsonNode call = object(calls.get(i), p);
      JsonNode function = object(call.get("function"), p + ".function");
      String name = text(function.get("name"), p + ".function.name");
      if (call.path("id").isTextual()) {
        toolNames.put(call.get("id").textValue(), name);
      }
      ObjectNode part = parts.addObject();
      ObjectNode functionCall = part.putObject("functionCall");
      functionCall.put("name", name);
      functionCall.set("args", arguments(function.get("arguments"), p + ".function.arguments"));
      JsonNode signature = call.path("extra_content").path("google").path("thought_signature");
      if (signature.isTextual()) {
        part.put("thoughtSignature", signature.textValue());
      } else if (first) {
        part.put("thoughtSignature", SKIP_SIGNATURE); // only a turn's first call carries one
      }
      first = false;
    }
    return parts;
  }

  /** An assistant's content array may hold refusal parts, which Gemini has no use for. */
  private static JsonNode textOnly(JsonNode content) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    content.forEach(p -> {
      if (!"refusal".equals(p.path("type").asText())) {
        out.add(p);
      }
    });
    return out;
  }

  private static ObjectNode arguments(JsonNode arguments, String param) {
    if (absent(arguments) || arguments.isTextual() && arguments.textValue().isBlank()) {
      return Json.object();
    }
    try {
      JsonNode parsed = Json.parse(text(arguments, param));
      if (parsed.isObject()) {
        return (ObjectNode) parsed;
      }
    } catch (IOException e) {
      // fall through to the 400 below
    }
    throw invalid(param, param + ": expected a JSON object in a string");
  }

  private static ObjectNode toolResult(JsonNode message, String param, Map<String, String> toolNames) {
    String id = text(message.get("tool_call_id"), param + ".tool_call_id");
    String name = toolNames.get(id);
    if (name == null) {
      throw invalid(param + ".tool_call_id", param + ".tool_call_id: \"" + id
          + "\" answers no tool call of an earlier assistant message (gemini needs the function's name)");
    }
    JsonNode content = message.get("content");
    String result;
    if (content != null && content.isArray()) {
      StringBuilder sb = new StringBuilder();
      textParts(content, param + ".content").forEach(p -> sb.append(p.path("text").asText()));
      result = sb.toString();
    } else {
      result = absent(content) ? "" : text(content, param + ".content");
    }
    ObjectNode part = Json.object();
    ObjectNode response = part.putObject("functionResponse");
    response.put("name", name);
    response.set("response", responseStruct(result));
    return part;
  }

  /** Gemini wants the result as a JSON object: a JSON object result goes as is, anything else wrapped. */
  private static ObjectNode responseStruct(String result) {
    try {
      JsonNode parsed = Json.parse(result);
      if (parsed != null && parsed.isObject()) {
        return (ObjectNode) parsed;
      }
    } catch (IOException e) {
      // plain text
    }
    return Json.object().put("content", result);
  }
}
