package io.switchboard.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceCatalogTest {
  @Test
  void builtInCoversTheMajorModels() {
    PriceCatalog c = PriceCatalog.builtIn();
    for (String m : List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o1", "o3", "o3-mini",
        "o4-mini", "text-embedding-3-small", "text-embedding-3-large", "claude-3-5-haiku", "claude-3-5-sonnet",
        "claude-3-7-sonnet", "claude-sonnet-4", "claude-sonnet-4-5", "claude-opus-4", "claude-opus-4-1",
        "claude-haiku-4-5")) {
      assertThat(c.lookup(m)).as(m).isPresent();
    }
    // $2.50 / $10 per 1M tokens.
    assertThat(c.cost("gpt-4o", 1_000_000, 1_000_000)).hasValueSatisfying(v -> assertThat(v).isCloseTo(12.5, within(1e-9)));
    assertThat(c.lookup("claude-sonnet-4-5-20250929").orElseThrow().outputCostPerToken()).isCloseTo(15e-6, within(1e-15));
  }

  @Test
  void lookupFallsBackToBareAndUndatedIds() {
    PriceCatalog c = PriceCatalog.builtIn();
    assertThat(c.lookup("gpt-4o-2024-08-06").orElseThrow().model()).isEqualTo("gpt-4o");
    assertThat(c.lookup("openai/gpt-4o-mini").orElseThrow().model()).isEqualTo("gpt-4o-mini");
    assertThat(c.lookup("anthropic/claude-3-5-haiku-20241022").orElseThrow().model())
        .isEqualTo("claude-3-5-haiku-20241022");
    assertThat(c.lookup("claude-opus-4-1-20990101").orElseThrow().model()).isEqualTo("claude-opus-4-1");
    assertThat(c.lookup("my-finetune")).isEmpty();
    assertThat(c.lookup(null)).isEmpty();
  }

  @Test
  void exactIdWinsOverTheFallbacks() {
    PriceCatalog c = PriceCatalog.builtIn().with(
        java.util.Map.of("gpt-4o-2024-05-13", new ModelPrice("gpt-4o-2024-05-13", 5e-6, 15e-6, 0, 0, "openai", "chat")));
    assertThat(c.lookup("gpt-4o-2024-05-13").orElseThrow().inputCostPerToken()).isEqualTo(5e-6);
    assertThat(c.lookup("gpt-4o-2024-08-06").orElseThrow().inputCostPerToken()).isEqualTo(2.5e-6);
  }

  @Test
  void parseReadsLiteLlmEntriesAndReportsBadOnes() throws Exception {
    String json = """
        {
          "sample_spec": {"input_cost_per_token": "see docs"},
          "my-model": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "max_input_tokens": 8192,
                       "litellm_provider": "openai", "mode": "chat", "supports_vision": true},
          "dall-e-3": {"output_cost_per_pixel": 0.0, "mode": "image_generation"},
          "bad-price": {"input_cost_per_token": "cheap"},
          "negative": {"output_cost_per_token": -1},
          "bad-window": {"input_cost_per_token": 1e-6, "max_input_tokens": "large"},
          "not-an-object": 3
        }
        """;
    List<String> problems = new ArrayList<>();
    var prices = PriceCatalog.parse(new ObjectMapper().readTree(json), problems);
    assertThat(prices).containsOnlyKeys("my-model");
    assertThat(prices.get("my-model").maxInputTokens()).isEqualTo(8192);
    assertThat(problems).containsExactly(
        "bad-price.input_cost_per_token: \"cheap\" is not a price (expected: a number >= 0, dollars per token)",
        "negative.output_cost_per_token: -1 is not a price (expected: a number >= 0, dollars per token)",
        "bad-window.max_input_tokens: \"large\" is not a token count (expected: an integer >= 0)",
        "not-an-object: expected an object, got 3");
  }

  @Test
  void tokenEstimateCountsTextToolsAndLimits() {
    var body = Json.object().put("model", "m");
    var messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", "12345678");  // 8 chars
    messages.addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", "1234");
    assertThat(TokenEstimate.inputTokens(body)).isEqualTo(3);
    body.putArray("tools").addObject().put("type", "function");  // [{"type":"function"}] = 21 chars
    assertThat(TokenEstimate.inputTokens(body)).isEqualTo((12 + 21 + 3) / 4);
    assertThat(TokenEstimate.outputTokens(body, 256)).isEqualTo(256);
    assertThat(TokenEstimate.outputTokens(body.put("max_tokens", 50), 256)).isEqualTo(50);
    assertThat(TokenEstimate.outputTokens(body.put("max_completion_tokens", 70), 256)).isEqualTo(70);
    var embedding = Json.object().put("model", "text-embedding-3-small");
    embedding.putArray("input").add("abcd").add("efgh");
    assertThat(TokenEstimate.inputTokens(embedding)).isEqualTo(2);
  }
}
