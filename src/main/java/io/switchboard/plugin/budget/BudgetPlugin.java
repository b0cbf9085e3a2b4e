package io.switchboard.plugin.budget;

import io.switchboard.api.ApiException;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Rejection;
import io.switchboard.plugin.budget.Period.Window;
import io.switchboard.plugin.budget.Spend.Spent;
import io.switchboard.plugin.budget.Spend.Subjects;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.store.RequestLogLocation;
import io.switchboard.store.RequestLogStore;
import io.switchboard.store.SpendScope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spend limits per key, user and key+model. Before the call, a subject that has spent its limit in the current
 * period is refused with 402; after it, the answer's list-price cost ({@link Finish#cost()}: input, output,
 * cache-read and cache-write tokens each at their own price) is added to every subject of the request. Spend
 * is counted when the answer ends, so requests already in flight when a limit is reached still finish: a
 * budget can be overshot by what those cost.
 */
final class BudgetPlugin implements Plugin {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetPlugin.class);
  static final String LIMIT_HEADER = "x-switchboard-budget-limit";
  static final String REMAINING_HEADER = "x-switchboard-budget-remaining";
  private static final String STORES = "io.switchboard.budget.stores";
  /** Ferro's type and code of a spent budget (and OpenAI's for an exhausted quota). */
  static final String QUOTA = "insufficient_quota";

  private final String name;
  private final BudgetSettings settings;
  private final Clock clock;
  private final Vertx vertx;
  private final PriceCatalog prices;
  private final Optional<RequestLogLocation> requestLog;
  private final SpendStore store;
  private final long keyLimit;   // nano-dollars; Long.MAX_VALUE when not enforced
  private final long userLimit;
  private final Map<String, Long> modelLimits;
  private final Map<Long, String> limitText = new HashMap<>();  // header values, made once
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastWarning = new AtomicLong();
  private volatile Window window;

  BudgetPlugin(BudgetSettings settings, PluginContext context) {
    this.name = context.name() == null || context.name().isEmpty() ? "budget" : context.name();
    this.settings = settings;
    this.clock = context.clock();
    this.vertx = context.vertx();
    this.prices = context.prices();
    this.requestLog = context.requestLog();
    this.store = switch (settings.backend()) {
      case MEMORY -> memoryStore(vertx, settings);
      case REDIS -> new RedisSpendStore(vertx, settings.url(), settings.keyPrefix(), settings.timeout());
    };
    this.keyLimit = settings.keyLimit() == null ? Long.MAX_VALUE : Spend.nanos(settings.keyLimit());
    this.userLimit = settings.userLimit() == null ? Long.MAX_VALUE : Spend.nanos(settings.userLimit());
    Map<String, Long> models = new HashMap<>();
    settings.modelLimits().forEach((model, usd) -> models.put(model, Spend.nanos(usd)));
    this.modelLimits = Map.copyOf(models);
    text(settings.keyLimit());
    text(settings.userLimit());
    settings.modelLimits().values().forEach(this::text);
    this.window = settings.period().window(clock.millis());
  }

  /** The plugin's own store, or the one every budget naming the same {@code store_id} in this Vert.x shares. */
  private static MemorySpendStore memoryStore(Vertx vertx, BudgetSettings settings) {
    int maxKeys = settings.maxKeys() == null ? 0 : settings.maxKeys();
    if (settings.storeId() == null) {
      return new MemorySpendStore(maxKeys);
    }
    LocalMap<String, MemorySpendStore> stores = vertx.sharedData().getLocalMap(STORES);
    // The first budget to name a store sets its cap, as in Ferro.
    return stores.computeIfAbsent(settings.storeId(), id -> new MemorySpendStore(maxKeys));
  }

  private void text(Double usd) {
    if (usd != null) {
      limitText.put(Spend.nanos(usd), dollars(usd));
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsAnswer() {
    return true;  // the cost comes from the answer's usage
  }

  /**
   * Memory: reads back what the request log holds for the current period, so spend survives a restart.
   * Redis: checks Redis answers; the counters there outlive any one replica.
   */
  @Override
  public Future<Void> start() {
    if (!(store instanceof MemorySpendStore memory)) {
      return store.start();
    }
    if (!memory.claimSeed()) {
      return Future.succeededFuture();  // a budget sharing the store read it back already
    }
    if (requestLog.isEmpty()) {
      LOG.warn("plugin {}: no request-logger persists the request log, so spend is counted in memory only and is"
          + " lost on restart (add a request-logger with persist: true, or use backend: redis)", name);
      return Future.succeededFuture();
    }
    RequestLogLocation location = requestLog.get();
    Window w = window();
    boolean users = settings.userLimit() != null;
    boolean models = !modelLimits.isEmpty();
    return vertx.<Map<SpendScope, Map<String, Double>>>executeBlocking(() -> {
      try (RequestLogStore log = location.open()) {
        Map<SpendScope, Map<String, Double>> sums = new HashMap<>();
        sums.put(SpendScope.KEY, log.spendSince(w.start(), SpendScope.KEY));
        sums.put(SpendScope.USER, users ? log.spendSince(w.start(), SpendScope.USER) : Map.of());
        sums.put(SpendScope.KEY_MODEL, models ? limitedModels(log.spendSince(w.start(), SpendScope.KEY_MODEL))
            : Map.of());
        return sums;
      }
    }).<Void>map(sums -> {
      memory.seed(w, sums.get(SpendScope.KEY), sums.get(SpendScope.USER), sums.get(SpendScope.KEY_MODEL));
      double total = sums.get(SpendScope.KEY).values().stream().mapToDouble(Double::doubleValue).sum();
      LOG.info("plugin {}: read back ${} spent by {} keys since {} from the {} request log", name,
          micros(Spend.nanos(total)), sums.get(SpendScope.KEY).size(), w.start(), location.backend());
      return null;
    }).recover(t -> Future.failedFuture(new IllegalStateException("plugin " + name
        + ": could not read spend back from the " + location.backend() + " request log (" + t.getMessage()
        + "); refusing to start with every budget reset", t)));
  }

  private Map<String, Double> limitedModels(Map<String, Double> byKeyModel) {
    Map<String, Double> out = new HashMap<>();
    byKeyModel.forEach((group, usd) -> {
      String model = group.substring(group.indexOf(SpendScope.SEPARATOR) + 1);
      if (modelLimits.containsKey(model)) {
        out.put(group, usd);
      }
    });
    return out;
  }

  @Override
  public Future<Void> close() {
    return store.close();
  }

  @Override
  public boolean rewritesRequests() {
    return false;
  }

  @Override
  public Future<Outcome> handle(Exchange exchange, Chain next) {
    Window w = window();
    Subjects subjects = subjects(exchange);
    return store.spent(subjects, w)
        .recover(t -> {
          warnEvery("plugin " + name + ": cannot check spend: " + t.getMessage());
          // The client learns that, not where the store is; the log has the details.
          return Future.failedFuture(new ApiException(500, "server_error", "budget_unavailable", null,
              "The budget could not be checked, so the request was not sent (request id "
                  + exchange.requestId() + ")."));
        })
        .compose(spent -> {
          check(exchange, subjects, spent, w);
          return next.proceed(exchange);
        });
  }

  /** Refuses the first exhausted budget; otherwise tells the client about the tightest one. */
  private void check(Exchange exchange, Subjects s, Spent spent, Window w) {
    long model = s.model() == null ? Long.MAX_VALUE : modelLimits.get(s.model());
    long user = s.user() == null ? Long.MAX_VALUE : userLimit;
    if (spent.key() >= keyLimit) {
      throw denied(exchange, "key " + s.keyId(), spent.key(), keyLimit, w);
    }
    if (spent.user() >= user) {
      throw denied(exchange, "user " + s.user(), spent.user(), user, w);
    }
    if (spent.model() >= model) {
      throw denied(exchange, "key " + s.keyId() + " on model " + s.model(), spent.model(), model, w);
    }
    long limit = keyLimit;
    long left = keyLimit == Long.MAX_VALUE ? Long.MAX_VALUE : keyLimit - spent.key();
    if (user != Long.MAX_VALUE && user - spent.user() < left) {
      limit = user;
      left = user - spent.user();
    }
    if (model != Long.MAX_VALUE && model - spent.model() < left) {
      limit = model;
      left = model - spent.model();
    }
    if (limit != Long.MAX_VALUE) {
      headers(exchange, limit, left);
    }
  }

  private ApiException denied(Exchange exchange, String who, long spent, long limit, Window w) {
    headers(exchange, limit, 0);
    String resets = w.end() == null ? " (a total budget: it does not reset)" : " (resets " + w.end() + ")";
    return Rejection.of(402, QUOTA, QUOTA, null, name, "budget exceeded for " + who
        + ": spent $" + BigDecimal.valueOf(spent, 9).setScale(4, RoundingMode.DOWN).toPlainString() + " of $"
        + limitText.get(limit) + " " + w.period().phrase + resets + ".");
  }

  private void headers(Exchange exchange, long limit, long left) {
    exchange.responseHeaders().set(LIMIT_HEADER, limitText.get(limit));
    exchange.responseHeaders().set(REMAINING_HEADER, micros(Math.max(0, left)));
  }

  @Override
  public void onFinish(Exchange exchange, Finish finish) {
    Double cost = settings.prices() == null ? finish.cost() : configuredCost(finish);
    if (cost == null) {
      noCost(finish);
      return;
    }
    long nanos = Spend.nanos(cost);
    if (nanos > 0) {
      store.add(subjects(exchange), window(), nanos);
    }
  }

  /** The answer at the configured per-million-token prices; null without usage (or an answer). */
  private Double configuredCost(Finish finish) {
    if (finish.modelServed() == null || finish.usage().isEmpty()) {
      return null;
    }
    return settings.prices().cost(finish.usage());
  }

  /**
   * An answer without a price counts 0: refusing every model the catalog does not know (a new release, a
   * self-hosted model) would stop traffic over a missing price entry, so the gap is reported once per model
   * instead, with the fix.
   */
  private void noCost(Finish finish) {
    String model = finish.modelServed();
    if (model == null || !finish.succeeded() || !warned.add(model)) {
      return;
    }
    if (prices.lookup(model).isEmpty() && settings.prices() == null) {
      LOG.warn("plugin {}: model {} has no price, so its answers count $0 against budgets (add it to the price"
          + " catalog file)", name, model);
    } else {
      LOG.warn("plugin {}: model {} answered without token usage, so that answer counts $0 against budgets",
          name, model);
    }
  }

  /** The key always; the user when users have a limit; the key and model when that model has a limit. */
  private Subjects subjects(Exchange exchange) {
    String user = settings.userLimit() == null ? null : exchange.user();
    String model = modelLimits.isEmpty() ? null : exchange.model();
    return new Subjects(exchange.keyId(), user, model != null && modelLimits.containsKey(model) ? model : null);
  }

  private void warnEvery(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= 10_000 && lastWarning.compareAndSet(last, now)) {
      LOG.warn(message);
    }
  }

  private Window window() {
    long now = clock.millis();
    Window w = window;
    if (!w.contains(now)) {
      w = settings.period().window(now);
      window = w;
    }
    return w;
  }

  /** Dollars with at least two decimals and no more than the amount has: 5 -> "5.00", 0.125 -> "0.125". */
  static String dollars(double usd) {
    BigDecimal d = BigDecimal.valueOf(usd).stripTrailingZeros();
    return (d.scale() < 2 ? d.setScale(2, RoundingMode.UNNECESSARY) : d).toPlainString();
  }

  /** Nano-dollars as dollars with six decimals, rounded down: cheap enough for every answer. */
  static String micros(long nanos) {
    long micros = nanos / 1000;
    String fraction = Long.toString(micros % 1_000_000);
    StringBuilder out = new StringBuilder(24).append(micros / 1_000_000).append('.');
    for (int i = fraction.length(); i < 6; i++) {
      out.append('0');
    }
    return out.append(fraction).toString();
  }
}
