package io.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;

/**
 * Anthropic token counts, mapped to OpenAI usage. Anthropic's {@code input_tokens} excludes cached input,
 * while OpenAI's {@code prompt_tokens} includes it, so the cache counts are added back in.
 */
record AnthropicUsage(long inputTokens, long cacheReadTokens, long cacheCreationTokens, long outputTokens) {
  static final AnthropicUsage ZERO = new AnthropicUsage(0, 0, 0, 0);

  static AnthropicUsage from(JsonNode usage) {
    return ZERO.updatedBy(usage);
  }

  /** Fields present in {@code usage} replace ours; absent ones are kept (message_delta sends a subset). */
  AnthropicUsage updatedBy(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return this;
    }
    return new AnthropicUsage(
        count(usage, "input_tokens", inputTokens),
        count(usage, "cache_read_input_tokens", cacheReadTokens),
        count(usage, "cache_creation_input_tokens", cacheCreationTokens),
        count(usage, "output_tokens", outputTokens));
  }

  ObjectNode toOpenAi() {
    long prompt = inputTokens + cacheReadTokens + cacheCreationTokens;
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", outputTokens);
    usage.put("total_tokens", prompt + outputTokens);
    ObjectNode details = usage.putObject("prompt_tokens_details");
    details.put("cached_tokens", cacheReadTokens);
    // Not an OpenAI field: kept so cost accounting can price cache writes, which Anthropic bills extra.
    details.put("cache_creation_input_tokens", cacheCreationTokens);
    return usage;
  }

  private static long count(JsonNode usage, String field, long fallback) {
    JsonNode n = usage.get(field);
    return n != null && n.isNumber() ? n.asLong() : fallback;
  }
}
