package io.switchboard.pricing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token counts of one answer, from an OpenAI {@code usage} object. {@code promptTokens} includes the cached
 * and cache-write tokens, as OpenAI counts them; {@code cacheWriteTokens} comes from
 * {@code prompt_tokens_details.cache_creation_input_tokens}, which the Anthropic adapter adds.
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long cacheWriteTokens) {
  public static final Usage NONE = new Usage(0, 0, 0, 0);

  /** Reads an OpenAI usage object; null or anything else gives {@link #NONE}. */
  public static Usage of(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return NONE;
    }
    JsonNode details = usage.path("prompt_tokens_details");
    return new Usage(
        count(usage, "prompt_tokens"),
        count(usage, "completion_tokens"),
        count(details, "cached_tokens"),
        count(details, "cache_creation_input_tokens"));
  }

  public boolean isEmpty() {
    return promptTokens == 0 && completionTokens == 0;
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** Prompt tokens billed at the plain input price: neither read from nor written to a cache. */
  public long uncachedPromptTokens() {
    return Math.max(0, promptTokens - cachedTokens - cacheWriteTokens);
  }

  private static long count(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n != null && n.isNumber() ? Math.max(0, n.asLong()) : 0;
  }
}
