package io.switchboard.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-token prices by model id, in LiteLLM's {@code model_prices_and_context_window.json} format. The
 * built-in catalog ships in {@code pricing/model_prices.json}; a user file extends and overrides it.
 * Lookups try the exact id first, then without a {@code provider/} prefix, then without a date suffix
 * ({@code gpt-4o-2024-08-06} and {@code claude-3-5-haiku-20241022} fall back to their undated ids).
 */
public final class PriceCatalog {
  public static final String BUILT_IN_RESOURCE = "/pricing/model_prices.json";

  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|\\d{4}|latest)$");
  private static final PriceCatalog BUILT_IN = loadBuiltIn();

  private final Map<String, ModelPrice> prices;

  private PriceCatalog(Map<String, ModelPrice> prices) {
    this.prices = Map.copyOf(prices);
  }

  public static PriceCatalog builtIn() {
    return BUILT_IN;
  }

  public static PriceCatalog of(Map<String, ModelPrice> prices) {
    return new PriceCatalog(prices);
  }

  /** This catalog with {@code overrides} replacing same-id entries and adding the rest. */
  public PriceCatalog with(Map<String, ModelPrice> overrides) {
    Map<String, ModelPrice> merged = new HashMap<>(prices);
    merged.putAll(overrides);
    return new PriceCatalog(merged);
  }

  public int size() {
    return prices.size();
  }

  public Optional<ModelPrice> lookup(String model) {
    if (model == null || model.isEmpty()) {
      return Optional.empty();
    }
    ModelPrice exact = prices.get(model);
    if (exact != null) {
      return Optional.of(exact);
    }
    int slash = model.indexOf('/');
    String bare = slash > 0 ? model.substring(slash + 1) : model;
    ModelPrice found = prices.get(bare);
    if (found == null) {
      String undated = DATE_SUFFIX.matcher(bare).replaceFirst("");
      found = undated.equals(bare) ? null : prices.get(undated);
    }
    return Optional.ofNullable(found);
  }

  /** The cost in dollars of a call, or empty when the model has no price. */
  public Optional<Double> cost(String model, long inputTokens, long outputTokens) {
    return lookup(model).map(p -> p.cost(inputTokens, outputTokens));
  }

  /**
   * Reads entries in LiteLLM's format. An entry without either token cost (an image or audio model) is
   * skipped; unknown fields are ignored. Each problem is added as {@code <entry>.<field>: message}.
   */
  public static Map<String, ModelPrice> parse(JsonNode root, List<String> problems) {
    Map<String, ModelPrice> out = new HashMap<>();
    if (root == null || !root.isObject()) {
      problems.add("expected a JSON object of model ids, got " + describe(root));
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String id = e.getKey();
      JsonNode entry = e.getValue();
      if (id.equals("sample_spec")) {
        continue;  // LiteLLM's documentation entry
      }
      if (!entry.isObject()) {
        problems.add(id + ": expected an object, got " + describe(entry));
        continue;
      }
      int before = problems.size();
      Double in = cost(entry, "input_cost_per_token", id, problems);
      Double outCost = cost(entry, "output_cost_per_token", id, problems);
      Double read = cost(entry, "cache_read_input_token_cost", id, problems);
      Double write = cost(entry, "cache_creation_input_token_cost", id, problems);
      int maxIn = tokens(entry, "max_input_tokens", id, problems);
      int maxOut = tokens(entry, "max_output_tokens", id, problems);
      if (problems.size() > before || (in == null && outCost == null)) {
        continue;
      }
      out.put(id, new ModelPrice(id, in == null ? 0 : in, outCost == null ? 0 : outCost, maxIn, maxOut,
          entry.path("litellm_provider").asText(""), entry.path("mode").asText("chat"),
          read == null ? Double.NaN : read, write == null ? Double.NaN : write));
    }
    return out;
  }

  private static Double cost(JsonNode entry, String field, String id, List<String> problems) {
    JsonNode n = entry.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber() || n.asDouble() < 0 || !Double.isFinite(n.asDouble())) {
      problems.add(id + "." + field + ": " + describe(n) + " is not a price (expected: a number >= 0, dollars per token)");
      return null;
    }
    return n.asDouble();
  }

  private static int tokens(JsonNode entry, String field, String id, List<String> problems) {
    JsonNode n = entry.get(field);
    if (n == null || n.isNull()) {
      return 0;
    }
    if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() > Integer.MAX_VALUE) {
      problems.add(id + "." + field + ": " + describe(n) + " is not a token count (expected: an integer >= 0)");
      return 0;
    }
    return (int) n.asDouble();
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    return node.isObject() ? "an object" : node.isArray() ? "a list" : node.toString();
  }

  private static PriceCatalog loadBuiltIn() {
    try (InputStream in = PriceCatalog.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BUILT_IN_RESOURCE);
      }
      List<String> problems = new java.util.ArrayList<>();
      Map<String, ModelPrice> prices = parse(new ObjectMapper().readTree(in), problems);
      if (!problems.isEmpty()) {
        throw new IllegalStateException(BUILT_IN_RESOURCE + ": " + problems);
      }
      return new PriceCatalog(prices);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
