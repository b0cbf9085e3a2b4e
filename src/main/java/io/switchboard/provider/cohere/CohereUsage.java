package io.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;

/**
 * Cohere's usage to OpenAI's. {@code tokens} counts what the model saw (the prompt template included),
 * {@code billed_units} what is billed; the former is what OpenAI's fields mean, the latter stands in when
 * a response has no {@code tokens}. {@code cached_tokens} is part of the input.
 */
record CohereUsage(long inputTokens, long outputTokens, long cachedTokens) {
  static final CohereUsage ZERO = new CohereUsage(0, 0, 0);

  static CohereUsage from(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return ZERO;
    }
    JsonNode counts = usage.path("tokens").isObject() ? usage.get("tokens") : usage.path("billed_units");
    return new CohereUsage(count(counts, "input_tokens"), count(counts, "output_tokens"),
        count(usage, "cached_tokens"));
  }

  ObjectNode toOpenAi() {
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", inputTokens);
    usage.put("completion_tokens", outputTokens);
    usage.put("total_tokens", inputTokens + outputTokens);
    usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
    return usage;
  }

  private static long count(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n != null && n.isNumber() ? n.asLong() : 0;
  }
}
