package io.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;

/**
 * Converse token counts, mapped to OpenAI usage. Bedrock's {@code inputTokens} excludes cached input (as
 * Anthropic's does), while OpenAI's {@code prompt_tokens} includes it, so the cache counts are added back.
 */
record BedrockUsage(long inputTokens, long cacheReadTokens, long cacheWriteTokens, long outputTokens) {
  static final BedrockUsage ZERO = new BedrockUsage(0, 0, 0, 0);

  static BedrockUsage from(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return ZERO;
    }
    return new BedrockUsage(count(usage, "inputTokens"), count(usage, "cacheReadInputTokens"),
        count(usage, "cacheWriteInputTokens"), count(usage, "outputTokens"));
  }

  ObjectNode toOpenAi() {
    long prompt = inputTokens + cacheReadTokens + cacheWriteTokens;
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", outputTokens);
    usage.put("total_tokens", prompt + outputTokens);
    ObjectNode details = usage.putObject("prompt_tokens_details");
    details.put("cached_tokens", cacheReadTokens);
    // Not an OpenAI field: kept so cost accounting can price cache writes, as the Anthropic adapter does.
    details.put("cache_creation_input_tokens", cacheWriteTokens);
    return usage;
  }

  private static long count(JsonNode usage, String field) {
    JsonNode n = usage.get(field);
    return n != null && n.isNumber() ? n.asLong() : 0;
  }
}
