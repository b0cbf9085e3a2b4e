package io.switchboard.pricing;

/**
 * One model's list price, in US dollars per token, as LiteLLM's {@code model_prices_and_context_window.json}
 * spells it. {@code maxInputTokens} and {@code maxOutputTokens} are 0 when unknown.
 */
public record ModelPrice(String model, double inputCostPerToken, double outputCostPerToken, int maxInputTokens,
    int maxOutputTokens, String provider, String mode) {

  /** The cost of one call; a negative token count counts as zero. */
  public double cost(long inputTokens, long outputTokens) {
    return Math.max(0, inputTokens) * inputCostPerToken + Math.max(0, outputTokens) * outputCostPerToken;
  }
}
