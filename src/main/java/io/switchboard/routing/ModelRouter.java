package io.switchboard.routing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.api.ApiException;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.Operation;
import io.switchboard.provider.Provider;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides which targets can serve a model, and in what order they are tried. A target serves a model
 * when its {@code model_map} maps it, its {@code models} list names it, or its provider serves it;
 * {@code provider/model} addresses one provider directly, LiteLLM style.
 */
public final class ModelRouter {
  private final List<Target> targets;
  private final Map<String, Provider> providers;
  private final Map<String, String> aliases;
  private final RoutingStrategy strategy;
  /** Who serves a model depends on the config alone, so it is worked out once per model, not per request. */
  private final Map<Operation, Map<String, List<Candidate>>> eligibleCache = new EnumMap<>(Operation.class);
  private static final int MAX_CACHED_MODELS = 4096;
  /** What {@link #routable} shows the strategy: nothing observed yet, so no target is favoured by its past. */
  private final TargetStats unobserved = new LocalTargetStats();

  public ModelRouter(GatewayConfig config, Map<String, Provider> providers, RoutingStrategy strategy) {
    this.targets = config.targets();
    this.providers = providers;
    this.aliases = config.aliases();
    this.strategy = strategy;
    for (Operation op : Operation.values()) {
      eligibleCache.put(op, new ConcurrentHashMap<>());
    }
  }

  /** Follows aliases to the model actually routed (cycles were refused at load time). */
  public String resolveAlias(String model) {
    String at = model;
    for (int hops = 0; hops <= aliases.size() && aliases.containsKey(at); hops++) {
      at = aliases.get(at);
    }
    return at;
  }

  /**
   * The candidates for one request, in the order to try them; throws a 404 or 400 ApiException when none.
   * {@code context.request().model()} is the model after aliases ({@link #resolveAlias}).
   */
  public List<Candidate> route(String requestedModel, Operation operation, RoutingContext context) {
    String model = context.request().model();
    Map<String, List<Candidate>> cache = eligibleCache.get(operation);
    List<Candidate> eligible = cache.get(model);
    if (eligible == null) {
      eligible = eligible(requestedModel, model, operation);
      if (cache.size() >= MAX_CACHED_MODELS) {
        cache.clear();  // a flood of distinct names must not grow memory; real traffic has few models
      }
      cache.put(model, eligible);
    }
    List<Candidate> plan = strategy.order(eligible, context);
    if (plan.isEmpty()) {
      throw strategy.nothingRoutable(requestedModel);
    }
    return plan;
  }

  /** The targets able to serve {@code model} for {@code operation}, in config order; throws when none. */
  private List<Candidate> eligible(String requestedModel, String model, Operation operation) {
    List<Candidate> serving = addressed(model);
    if (serving.isEmpty()) {
      serving = byModel(model);
    }
    if (serving.isEmpty()) {
      throw ApiException.modelNotFound(requestedModel);
    }
    List<Candidate> eligible = new ArrayList<>(serving.size());
    for (Candidate c : serving) {
      if (operation.supportedBy(c.provider())) {
        eligible.add(c);
      }
    }
    if (eligible.isEmpty()) {
      throw new ApiException(400, "invalid_request_error", "unsupported_operation", "model",
          "The model `" + requestedModel + "` does not support " + operation.label() + " on any configured provider.");
    }
    return List.copyOf(eligible);
  }

  /** {@code provider/model}: the prefix names a provider key or type; the rest is sent as the model. */
  private List<Candidate> addressed(String model) {
    int slash = model.indexOf('/');
    if (slash <= 0 || slash == model.length() - 1) {
      return List.of();
    }
    String prefix = model.substring(0, slash);
    String bare = model.substring(slash + 1);
    List<Candidate> out = new ArrayList<>();
    for (Target t : targets) {
      Provider p = providers.get(t.virtualKey());
      if (p.key().equals(prefix) || p.type().configName().equals(prefix)) {
        out.add(new Candidate(t, p, t.modelMap().getOrDefault(bare, bare)));
      }
    }
    return out;
  }

  private List<Candidate> byModel(String model) {
    List<Candidate> out = new ArrayList<>();
    for (Target t : targets) {
      Provider p = providers.get(t.virtualKey());
      String mapped = t.modelMap().get(model);
      if (mapped != null) {
        out.add(new Candidate(t, p, mapped));
      } else if (t.models().contains(model) || t.models().contains("*") || p.serves(model)) {
        out.add(new Candidate(t, p, model));
      }
    }
    return out;
  }

  /**
   * A model {@code /v1/models} lists: its id, the provider key that owns it ({@code alias} for an alias), and
   * what is known of it (null when no provider describes it).
   */
  public record ListedModel(String id, String ownedBy, ModelInfo info) {}

  /**
   * What {@code /v1/models} lists, once each: every provider's known models it serves, then the models its
   * config and targets name (described when the provider knows them), then the aliases (described as the
   * model they lead to); of those, only the ones the strategy would route ({@link #routable}), so a model
   * absent from the list is one a request would be refused.
   */
  public List<ListedModel> listedModels() {
    List<ListedModel> out = new ArrayList<>();
    for (ListedModel m : configuredModels()) {
      if (routable(m.id())) {
        out.add(m);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether a request for {@code id} that carries nothing but the model would be routed, for some operation.
   * The strategy is asked, rather than a copy of its rules kept here: under the modes that commit to one
   * target (Ferro's conditional and content-based) a model only another target serves is refused, and so is
   * an unpriced model under cost-optimized with {@code unpriced: exclude}. Rules on content, metadata or the
   * user see an empty request, so a model only such a rule reaches is not listed: the list promises what it
   * names can be routed, not everything that could be. Breakers and parking are not consulted (they are not
   * in the strategy's order): the list is the configured inventory, not the current health.
   */
  boolean routable(String id) {
    String model = resolveAlias(id);
    RequestFacts facts = RequestFacts.of(id, model, JsonNodeFactory.instance.objectNode().put("model", id));
    RoutingContext context = new RoutingContext(facts, unobserved, ThreadLocalRandom.current());
    for (Operation operation : Operation.values()) {
      try {
        route(id, operation, context);
        return true;
      } catch (ApiException refused) {
        // not for this operation; try the next
      }
    }
    return false;
  }

  private List<ListedModel> configuredModels() {
    Map<String, ListedModel> out = new LinkedHashMap<>();
    for (Target t : targets) {
      Provider p = providers.get(t.virtualKey());
      Map<String, ModelInfo> known = new LinkedHashMap<>();
      p.knownModels().forEach(m -> known.putIfAbsent(m.id(), m));
      for (ModelInfo m : known.values()) {
        if (p.serves(m.id()) || t.models().contains(m.id())) {
          out.putIfAbsent(m.id(), new ListedModel(m.id(), p.key(), m));
        }
      }
      p.config().models().stream().filter(m -> !m.equals("*"))
          .forEach(m -> out.putIfAbsent(m, new ListedModel(m, p.key(), known.get(m))));
      t.models().stream().filter(m -> !m.equals("*"))
          .forEach(m -> out.putIfAbsent(m, new ListedModel(m, p.key(), known.get(m))));
      t.modelMap().forEach((m, upstream) -> out.putIfAbsent(m, new ListedModel(m, p.key(), known.get(upstream))));
    }
    for (String alias : aliases.keySet()) {
      ListedModel target = out.get(resolveAlias(alias));
      out.putIfAbsent(alias, new ListedModel(alias, "alias", target == null ? null : target.info()));
    }
    return List.copyOf(out.values());
  }
}
