package io.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.config.Redaction;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Helpers for turning an upstream error body into a safe OpenAI-shaped error. */
public final class UpstreamErrors {
  private static final int EXCERPT = 200;

  private UpstreamErrors() {}

  /** Masks key-like tokens and the given secret (see {@link Redaction}). */
  public static String redact(String text, String secret) {
    return Redaction.redact(text, secret == null ? List.of() : List.of(secret));
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
    // Redacted before it is cut: a secret cut in half would no longer be recognised.
    String excerpt = body == null ? "" : redact(new String(body.getBytes(0, Math.min(body.length(), EXCERPT * 20)),
        StandardCharsets.UTF_8).strip(), secret);
    if (excerpt.length() > EXCERPT) {
      excerpt = excerpt.substring(0, EXCERPT) + "...";
    }
    String message = "Provider " + providerKey + " returned HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt);
    return OpenAiErrors.body(message, OpenAiErrors.typeForStatus(status), null, null);
  }
}
