package io.switchboard.pricing;

/**
 * One model's list price, in US dollars per token, as LiteLLM's {@code model_prices_and_context_window.json}
 * spells it. {@code maxInputTokens} and {@code maxOutputTokens} are 0 when unknown. A cache price that is not
 * known ({@code NaN}) falls back to the input price, which is what a provider without prompt caching bills.
 */
public record ModelPrice(String model, double inputCostPerToken, double outputCostPerToken, int maxInputTokens,
    int maxOutputTokens, String provider, String mode, double cacheReadCostPerToken,
    double cacheWriteCostPerToken) {

  public ModelPrice(String model, double inputCostPerToken, double outputCostPerToken, int maxInputTokens,
      int maxOutputTokens, String provider, String mode) {
    this(model, inputCostPerToken, outputCostPerToken, maxInputTokens, maxOutputTokens, provider, mode, Double.NaN,
        Double.NaN);
  }

  /** The cost of one call; a negative token count counts as zero. */
  public double cost(long inputTokens, long outputTokens) {
    return Math.max(0, inputTokens) * inputCostPerToken + Math.max(0, outputTokens) * outputCostPerToken;
  }

  /** The cost of one answer, with cache reads and cache writes priced on their own. */
  public double cost(Usage usage) {
    double read = Double.isNaN(cacheReadCostPerToken) ? inputCostPerToken : cacheReadCostPerToken;
    double write = Double.isNaN(cacheWriteCostPerToken) ? inputCostPerToken : cacheWriteCostPerToken;
    return usage.uncachedPromptTokens() * inputCostPerToken
        + usage.cachedTokens() * read
        + usage.cacheWriteTokens() * write
        + usage.completionTokens() * outputCostPerToken;
  }
}
