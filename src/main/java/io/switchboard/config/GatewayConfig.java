package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.UnsupportedParamPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The whole configuration, validated and immutable. A reload would swap one instance for another. */
public record GatewayConfig(
    Server server,
    List<Provider> providers,
    Strategy strategy,
    List<Target> targets,
    Map<String, String> aliases,
    List<Plugin> plugins,
    UnsupportedParamPolicy onUnsupportedParam) {

  public GatewayConfig {
    providers = List.copyOf(providers);
    targets = List.copyOf(targets);
    aliases = Map.copyOf(aliases);
    plugins = List.copyOf(plugins);
  }

  /** {@code eventLoops}: one server instance per loop; the default is Vert.x's, twice the cores. */
  public record Server(String host, int port, long maxBodyBytes, int eventLoops) {
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_EVENT_LOOPS = 2 * Runtime.getRuntime().availableProcessors();

    public Server withListener(String host, int port) {
      return new Server(host, port, maxBodyBytes, eventLoops);
    }
  }

  /**
   * A configured upstream account. {@code models} lists extra model ids it serves ("*" for all);
   * {@code baseUrl} is the API root as the provider's own SDK spells it.
   */
  public record Provider(
      String key,
      ProviderType type,
      Secret apiKey,
      String baseUrl,
      Map<String, String> headers,
      Duration timeout,
      List<String> models) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

    public Provider {
      headers = Map.copyOf(headers);
      models = List.copyOf(models);
    }
  }

  /** {@code failoverOnStatusCodes}: statuses that move to the next target, besides 408, 429 and 5xx. */
  public record Strategy(StrategyMode mode, Set<Integer> failoverOnStatusCodes) {
    public Strategy {
      failoverOnStatusCodes = Set.copyOf(failoverOnStatusCodes);
    }
  }

  /**
   * {@code id} names the target in headers, logs and routing state: its {@code name} when the config gives
   * one, else its provider key, made unique with {@code #n} when several targets share a provider.
   */
  public record Target(
      String id, String virtualKey, int weight, Retry retry, List<String> models, Map<String, String> modelMap) {
    public Target {
      models = List.copyOf(models);
      modelMap = Map.copyOf(modelMap);
    }
  }

  /**
   * {@code attempts} counts every try on the target, the first included. Backoff is exponential from
   * {@code initialBackoff}, capped at {@code maxBackoff}, with full jitter.
   */
  public record Retry(int attempts, Set<Integer> retryOnStatus, Duration initialBackoff, Duration maxBackoff,
      Duration maxRetryAfter) {
    public static final Set<Integer> DEFAULT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
    public static final Retry NONE = new Retry(1, DEFAULT_STATUSES, Duration.ofMillis(100),
        Duration.ofSeconds(5), Duration.ofSeconds(30));

    public Retry {
      retryOnStatus = Set.copyOf(retryOnStatus);
    }
  }

  public record Plugin(String name, String type, String stage, boolean enabled, JsonNode config) {}
}
