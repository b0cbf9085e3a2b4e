package io.switchboard.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.provider.UnsupportedParams;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat request as a Replicate prediction: the conversation joined into the one {@code prompt} a
 * language model on Replicate takes ("role: text" a line, ending with an "assistant: " cue, as Ferro joins
 * it), the sampling parameters under their Replicate names. Pure; one call per request.
 */
public final class ReplicateRequestMapper {
  /** OpenAI parameters carried into {@code input}, under Replicate's names. */
  private static final Map<String, String> INPUT = Map.of(
      "temperature", "temperature", "top_p", "top_p", "seed", "seed",
      "presence_penalty", "presence_penalty", "frequency_penalty", "frequency_penalty");
  /** Fields read elsewhere, or that change nothing upstream. */
  private static final Set<String> HANDLED = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
      "max_completion_tokens", "stop", "user");

  private ReplicateRequestMapper() {}

  /** Where a prediction for {@code model} is created, and the version pinned by {@code owner/name:version}. */
  public record Target(String path, String version) {}

  /**
   * {@code owner/name} posts to {@code /models/owner/name/predictions}; {@code owner/name:version} posts to
   * {@code /predictions} with the version in the body. Any other shape is refused: a model id must not reach
   * another path of the API.
   */
  public static Target target(String model) {
    int colon = model.indexOf(':');
    String base = colon < 0 ? model : model.substring(0, colon);
    String version = colon < 0 ? null : model.substring(colon + 1);
    String[] parts = base.split("/", -1);
    boolean valid = parts.length == 2;
    for (String part : parts) {
      valid &= !part.isEmpty() && !part.equals(".") && !part.equals("..");
    }
    if (!valid || version != null && version.isBlank()) {
      throw ApiException.invalidRequest("model", "model_not_found", "Replicate models are named owner/name or "
          + "owner/name:version, not \"" + model + "\".");
    }
    if (version != null) {
      return new Target("/predictions", version);
    }
    return new Target("/models/" + segment(parts[0]) + "/" + segment(parts[1]) + "/predictions", null);
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The prediction body for {@code request}; {@code stream} asks Replicate for a stream URL. */
  public static ObjectNode toPrediction(JsonNode request, Target target, boolean stream, UnsupportedParams unsupported) {
    ObjectNode out = Json.object();
    if (target.version() != null) {
      out.put("version", target.version());
    }
    ObjectNode input = out.putObject("input");
    input.put("prompt", prompt(request.path("messages")));
    JsonNode maxTokens = request.has("max_completion_tokens") ? request.get("max_completion_tokens")
        : request.get("max_tokens");
    if (maxTokens != null && !maxTokens.isNull()) {
      input.set("max_tokens", maxTokens);
    }
    JsonNode stop = request.get("stop");
    if (stop != null && !stop.isNull()) {
      input.set("stop_sequences", stop.isTextual() ? Json.MAPPER.createArrayNode().add(stop.asText()) : stop);
    }
    request.fieldNames().forEachRemaining(field -> {
      JsonNode value = request.get(field);
      if (INPUT.containsKey(field)) {
        if (!value.isNull()) {
          input.set(INPUT.get(field), value);
        }
      } else if (!HANDLED.contains(field) && !value.isNull() && !(field.equals("n") && value.asInt() == 1)) {
        unsupported.handle(field);
      }
    });
    if (stream) {
      out.put("stream", true);
    }
    return out;
  }

  /**
   * One line per message, {@code role: text}, then {@code assistant: }. A content part that is not text has no
   * place in a prompt: it is refused rather than dropped, so no answer is given to a question not asked.
   */
  static String prompt(JsonNode messages) {
    StringBuilder out = new StringBuilder();
    for (JsonNode message : messages) {
      out.append(message.path("role").asText()).append(": ").append(text(message.path("content"))).append('\n');
    }
    return out.append("assistant: ").toString();
  }

  private static String text(JsonNode content) {
    if (content.isTextual() || content.isNull() || content.isMissingNode()) {
      return content.asText("");
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode part : content) {
      String type = part.path("type").asText();
      if (!type.equals("text")) {
        throw ApiException.invalidRequest("messages", "unsupported_content",
            "Replicate takes text only; a \"" + type + "\" content part cannot be sent.");
      }
      out.append(part.path("text").asText());
    }
    return out.toString();
  }
}
