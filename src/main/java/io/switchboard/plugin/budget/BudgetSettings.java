package io.switchboard.plugin.budget;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import io.switchboard.pricing.ModelPrice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The budget plugin's config: limits in US dollars per key ({@code spend_limit_usd}), per user
 * ({@code user_limit_usd}) and per key and model ({@code model_limits_usd}), over a {@code period}, counted in
 * memory or in Redis. Null limits are not enforced; at least one is set.
 *
 * <p>Ferro's fields: {@code spend_limit_usd: 0} means no key limit; {@code input_per_m_tokens} and its
 * siblings price every answer (per million tokens) instead of the price catalog; budgets with one
 * {@code store_id} count into one set of counters; {@code max_keys} caps the keys counted in memory, the
 * key with the least spend making room, as in Ferro.
 *
 * @param prices the configured prices (dollars per token), or null for the catalog's
 * @param storeId the counters shared with other budgets naming it, or null for the plugin's own
 * @param maxKeys keys counted in memory at most, or null for no cap
 */
public record BudgetSettings(Double keyLimit, Double userLimit, Map<String, Double> modelLimits, Period period,
    Backend backend, String url, String keyPrefix, Duration timeout, ModelPrice prices, String storeId,
    Integer maxKeys) implements PluginSettings {

  public enum Backend {
    MEMORY,
    REDIS
  }

  static final String DEFAULT_PREFIX = "switchboard:budget:";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  private static final Set<String> FIELDS = Set.of("spend_limit_usd", "user_limit_usd", "model_limits_usd", "period",
      "backend", "url", "key_prefix", "timeout", "store_id", "input_per_m_tokens", "output_per_m_tokens",
      "cache_read_per_m_tokens", "cache_write_per_m_tokens", "max_keys");
  private static final List<String> PRICE_FIELDS = List.of("input_per_m_tokens", "output_per_m_tokens",
      "cache_read_per_m_tokens", "cache_write_per_m_tokens");

  public BudgetSettings {
    modelLimits = Collections.unmodifiableMap(new LinkedHashMap<>(modelLimits));
  }

  @Override
  public Plugin create(PluginContext context) {
    return new BudgetPlugin(this, context);
  }

  /** Reads a {@code config} object; every problem is recorded under {@code path}, and then null is returned. */
  public static BudgetSettings parse(NodeReader r, JsonNode config, String path, Stage stage) {
    int before = r.problems().size();
    if (config == null || config.isNull() || config.isMissingNode()) {
      r.problem(path, "is required (expected: an object with spend_limit_usd, user_limit_usd or model_limits_usd)");
      return null;
    }
    if (!r.isObject(config, path)) {
      return null;
    }
    r.onlyKeys(config, path, FIELDS);
    int beforeLimits = r.problems().size();
    JsonNode spend = config.get("spend_limit_usd");
    boolean unlimited = spend != null && spend.isNumber() && spend.asDouble() == 0;  // Ferro's "0 = unlimited"
    Double keyLimit = unlimited ? null : limit(r, spend, NodeReader.join(path, "spend_limit_usd"));
    Double userLimit = limit(r, config.get("user_limit_usd"), NodeReader.join(path, "user_limit_usd"));
    Map<String, Double> modelLimits = new LinkedHashMap<>();
    JsonNode models = config.get("model_limits_usd");
    String modelsPath = NodeReader.join(path, "model_limits_usd");
    if (models != null && !models.isNull() && r.isObject(models, modelsPath)) {
      for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Double limit = limit(r, e.getValue(), modelsPath + "." + e.getKey());
        if (limit != null) {
          modelLimits.put(e.getKey(), limit);
        }
      }
    }
    if (r.problems().size() == beforeLimits && keyLimit == null && userLimit == null && modelLimits.isEmpty()) {
      r.problem(NodeReader.join(path, "spend_limit_usd"), (unlimited ? "is 0, no limit, and no other limit is set"
          : "is required unless user_limit_usd or model_limits_usd is set") + " (expected: at least one limit above"
          + " 0; to stop budgeting, enabled: false)");
    }
    ModelPrice prices = prices(r, config, path, keyLimit != null || userLimit != null || !modelLimits.isEmpty());
    String storeId = r.string(config, "store_id", path, false);
    if (storeId != null && storeId.isBlank()) {
      r.problem(NodeReader.join(path, "store_id"), "is empty (expected: a name, such as default)");
    }
    Integer maxKeys = r.integer(config, "max_keys", path, null, 0, Integer.MAX_VALUE);

    String periodName = r.string(config, "period", path, false);
    Period period = periodName == null ? Period.MONTHLY : Period.of(periodName);
    if (period == null) {
      r.problem(NodeReader.join(path, "period"), "\"" + periodName + "\" (expected: daily, monthly or total)");
    }
    String backendName = r.string(config, "backend", path, false);
    Backend backend = backendName == null ? Backend.MEMORY
        : "memory".equals(backendName) ? Backend.MEMORY : "redis".equals(backendName) ? Backend.REDIS : null;
    if (backend == null) {
      r.problem(NodeReader.join(path, "backend"), "\"" + backendName + "\" (expected: memory or redis)");
    }
    String url = r.string(config, "url", path, false);
    if (backend == Backend.REDIS && (url == null || url.isBlank())) {
      r.problem(NodeReader.join(path, "url"), "is required with backend: redis (expected: redis://host:port)");
    } else if (backend == Backend.MEMORY && url != null) {
      r.problem(NodeReader.join(path, "url"), "is only used with backend: redis (expected: no url with backend: memory)");
    } else if (url != null && !url.startsWith("redis://") && !url.startsWith("rediss://")
        && !url.startsWith("unix://")) {
      r.problem(NodeReader.join(path, "url"),
          "is not a Redis URL (expected: redis://host:port, rediss://... or unix://...)");
    }
    if (backend == Backend.REDIS && maxKeys != null) {
      r.problem(NodeReader.join(path, "max_keys"), "only applies to backend: memory (Redis expires old periods"
          + " itself)");
    }
    String keyPrefix = r.string(config, "key_prefix", path, false);
    if (keyPrefix != null && keyPrefix.isEmpty()) {
      r.problem(NodeReader.join(path, "key_prefix"), "must not be empty (expected: e.g. " + DEFAULT_PREFIX + ")");
    }
    Duration timeout = r.duration(config, "timeout", path, DEFAULT_TIMEOUT);
    if (r.problems().size() > before) {
      return null;
    }
    String prefix = keyPrefix == null ? DEFAULT_PREFIX : keyPrefix;
    return new BudgetSettings(keyLimit, userLimit, modelLimits, period, backend, url,
        storeId == null ? prefix : prefix + storeId + ":", timeout, prices, storeId,
        maxKeys == null || maxKeys == 0 ? null : maxKeys);
  }

  /**
   * Ferro's per-million-token prices, as a price in dollars per token; null when none is set. A cache price
   * left out falls back to the input price. Refused, as in Ferro, when a limit is set and every price is 0.
   */
  private static ModelPrice prices(NodeReader r, JsonNode config, String path, boolean limited) {
    double[] perM = new double[PRICE_FIELDS.size()];
    boolean any = false;
    boolean positive = false;
    for (int i = 0; i < perM.length; i++) {
      String field = PRICE_FIELDS.get(i);
      perM[i] = Double.NaN;
      if (!config.hasNonNull(field)) {
        continue;
      }
      Double v = r.number(config, field, path, null, 0);
      if (v != null) {
        perM[i] = v;
        any = true;
        positive |= v > 0;
      }
    }
    if (!any) {
      return null;
    }
    if (limited && !positive) {
      r.problem(NodeReader.join(path, "input_per_m_tokens"), "every price is 0, so no request costs anything and"
          + " the limit is never reached (expected: a price above 0)");
    }
    double input = Double.isNaN(perM[0]) ? 0 : perM[0] / 1e6;
    double output = Double.isNaN(perM[1]) ? 0 : perM[1] / 1e6;
    return new ModelPrice("budget", input, output, 0, 0, null, null, perM[2] / 1e6, perM[3] / 1e6);
  }

  /** A dollar amount > 0, or null when absent. */
  private static Double limit(NodeReader r, JsonNode node, String at) {
    if (node == null || node.isNull()) {
      return null;
    }
    double value;
    if (node.isNumber()) {
      value = node.asDouble();
    } else if (node.isTextual() && node.asText().trim().matches("-?\\d+(\\.\\d+)?")) {
      value = Double.parseDouble(node.asText().trim());
    } else {
      r.problem(at, NodeReader.describe(node) + " is not an amount (expected: US dollars > 0)");
      return null;
    }
    if (!(value > 0) || !Double.isFinite(value)) {
      r.problem(at, value + " is out of range (expected: > 0)");
      return null;
    }
    return value;
  }
}
