package io.switchboard.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A tokenizer-free estimate of a request's size, good enough to rank prices: one token per 4 characters of
 * message text ({@code messages}, {@code prompt} or {@code input}), plus the JSON length of {@code tools}
 * the same way. Output is the client's {@code max_completion_tokens} / {@code max_tokens} when given.
 */
public final class TokenEstimate {
  static final int CHARS_PER_TOKEN = 4;

  private TokenEstimate() {}

  public static long inputTokens(ObjectNode body) {
    long chars = 0;
    for (JsonNode m : body.path("messages")) {
      chars += textLength(m.path("content"));
    }
    chars += textLength(body.path("prompt"));
    chars += textLength(body.path("input"));
    JsonNode tools = body.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      chars += tools.toString().length();
    }
    return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }

  /** {@code fallback} when the request sets no limit. */
  public static long outputTokens(ObjectNode body, long fallback) {
    for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
      JsonNode n = body.get(field);
      if (n != null && n.isNumber() && n.asLong() >= 0) {
        return n.asLong();
      }
    }
    return fallback;
  }

  /** A string, text parts ({@code {type: text, text}}), or a list of strings. */
  private static long textLength(JsonNode content) {
    if (content.isTextual()) {
      return content.asText().length();
    }
    long n = 0;
    if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.isTextual()) {
          n += part.asText().length();
        } else if (part.path("text").isTextual()) {
          n += part.path("text").asText().length();
        }
      }
    }
    return n;
  }
}
