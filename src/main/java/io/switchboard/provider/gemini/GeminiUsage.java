package io.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;

/**
 * Gemini {@code usageMetadata} as OpenAI usage. Gemini counts thinking apart from the answer
 * ({@code thoughtsTokenCount}), OpenAI counts it in {@code completion_tokens} with a reasoning detail;
 * {@code cachedContentTokenCount} is already part of {@code promptTokenCount}.
 */
record GeminiUsage(long prompt, long toolUsePrompt, long cached, long candidates, long thoughts) {
  static final GeminiUsage ZERO = new GeminiUsage(0, 0, 0, 0, 0);

  static GeminiUsage from(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return ZERO;
    }
    return new GeminiUsage(usage.path("promptTokenCount").asLong(), usage.path("toolUsePromptTokenCount").asLong(),
        usage.path("cachedContentTokenCount").asLong(), usage.path("candidatesTokenCount").asLong(),
        usage.path("thoughtsTokenCount").asLong());
  }

  /** Stream chunks repeat the running totals; a chunk without counts (some carry only trafficType) keeps ours. */
  GeminiUsage updatedBy(JsonNode usage) {
    return usage != null && usage.has("promptTokenCount") ? from(usage) : this;
  }

  ObjectNode toOpenAi() {
    long promptTokens = prompt + toolUsePrompt;
    long completion = candidates + thoughts;
    ObjectNode out = Json.object();
    out.put("prompt_tokens", promptTokens);
    out.put("completion_tokens", completion);
    out.put("total_tokens", promptTokens + completion);
    out.putObject("prompt_tokens_details").put("cached_tokens", cached);
    out.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
    return out;
  }
}
