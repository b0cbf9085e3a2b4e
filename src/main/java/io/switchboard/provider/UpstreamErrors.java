package io.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Helpers for turning an upstream error body into a safe OpenAI-shaped error. */
public final class UpstreamErrors {
  // Anything that looks like an API key, as providers sometimes quote a (partly masked) key back.
  private static final Pattern KEY_LIKE = Pattern.compile("(sk-|sk_|AIza|xai-|gsk_)[A-Za-z0-9_\\-*.]{6,}");
  private static final int EXCERPT = 200;

  private UpstreamErrors() {}

  /** Masks key-like tokens and the given secret. */
  public static String redact(String text, String secret) {
    String out = text;
    if (secret != null && secret.length() >= 4) {
      out = out.replace(secret, "<redacted>");
    }
    return KEY_LIKE.matcher(out).replaceAll("<redacted>");
  }

  /** An OpenAI-compatible upstream's error: its own body if OpenAI-shaped, else a wrapped excerpt. */
  public static ObjectNode fromOpenAiCompatible(String providerKey, int status, Buffer body, String secret) {
    JsonNode parsed = Json.parseOrNull(body);
    if (OpenAiErrors.isOpenAiError(parsed)) {
      ObjectNode error = (ObjectNode) parsed.get("error");
      ObjectNode out = OpenAiErrors.body(redact(error.get("message").asText(), secret),
          error.path("type").isTextual() ? error.get("type").asText() : OpenAiErrors.typeForStatus(status),
          error.path("param").isTextual() ? error.get("param").asText() : null,
          error.path("code").isValueNode() && !error.path("code").isNull() ? error.get("code").asText() : null);
      return out;
    }
    if (parsed != null && parsed.path("error").isTextual()) {
      // e.g. {"error": "model not found"} from Ollama and some proxies
      return OpenAiErrors.body(redact(parsed.get("error").asText(), secret), OpenAiErrors.typeForStatus(status),
          null, null);
    }
    return generic(providerKey, status, body, secret);
  }

  /** "Provider X returned HTTP N: excerpt" for bodies of no known shape. */
  public static ObjectNode generic(String providerKey, int status, Buffer body, String secret) {
    String excerpt = body == null ? "" : body.toString(StandardCharsets.UTF_8).strip();
    if (excerpt.length() > EXCERPT) {
      excerpt = excerpt.substring(0, EXCERPT) + "...";
    }
    String message = "Provider " + providerKey + " returned HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt);
    return OpenAiErrors.body(redact(message, secret), OpenAiErrors.typeForStatus(status), null, null);
  }
}
