package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.UnixOperatingSystemMXBean;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.pricing.PriceCatalog;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;

/** The whole configuration, validated and immutable. A reload would swap one instance for another. */
public record GatewayConfig(
    Server server,
    List<Provider> providers,
    Strategy strategy,
    List<Target> targets,
    Map<String, String> aliases,
    List<Plugin> plugins,
    UnsupportedParamPolicy onUnsupportedParam,
    Resilience resilience,
    PriceCatalog prices,
    List<McpServerConfig> mcpServers,
    ObservabilityConfig observability,
    StatefulTargets statefulTargets) {

  public GatewayConfig {
    mcpServers = List.copyOf(mcpServers);
    providers = List.copyOf(providers);
    targets = List.copyOf(targets);
    aliases = Map.copyOf(aliases);
    plugins = List.copyOf(plugins);
  }

  /**
   * Blocks that are read and checked (so {@code validate} accepts them) but whose behaviour this build does not
   * have yet. {@code serve} refuses to start with any of them rather than run without what they ask for.
   */
  public List<String> notYetServed() {
    List<String> out = new ArrayList<>();
    if (!mcpServers.isEmpty()) {
      out.add("mcp_servers: this build does not connect MCP tool servers yet (remove the block to start)");
    }
    if (observability.tracing().exports()) {
      out.add("observability.tracing: this build does not export OpenTelemetry traces yet (set enabled: false, "
          + "or leave the endpoint and OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT unset)");
    }
    for (ObservabilityConfig.Exporter e : observability.exporters()) {
      if (e.enabled()) {
        out.add("observability.exporters: this build has no exporter named \"" + e.name()
            + "\" (set enabled: false)");
      }
    }
    if (statefulTargets.batchTarget() != null) {
      out.add("batch_target: this build does not serve /v1/files and /v1/batches yet (remove the setting)");
    }
    if (statefulTargets.responsesTarget() != null) {
      out.add("responses_target: this build does not serve stored responses yet (remove the setting)");
    }
    return out;
  }

  /** The same config listening elsewhere. */
  public GatewayConfig withServer(Server server) {
    return new GatewayConfig(server, providers, strategy, targets, aliases, plugins, onUnsupportedParam, resilience,
        prices, mcpServers, observability, statefulTargets);
  }

  /**
   * The reference gateway's targets for routes that carry no model: {@code batch_target} serves
   * {@code /v1/files*} and {@code /v1/batches*}, {@code responses_target} the stored-response sub-routes. Null
   * when unset.
   */
  public record StatefulTargets(String batchTarget, String responsesTarget) {
    public static final StatefulTargets NONE = new StatefulTargets(null, null);
  }

  /**
   * Request-wide resilience settings. {@code requestTimeout} bounds a whole request, retries and failover
   * included; {@code contextWindowFallback} is the id of a target tried after a context-length error, or null.
   */
  public record Resilience(Duration requestTimeout, String contextWindowFallback, State state) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(600);
    public static final Resilience DEFAULT = new Resilience(DEFAULT_REQUEST_TIMEOUT, null, State.MEMORY);
  }

  /** Where breaker and parking state lives: this process only, or Redis, shared by every replica. */
  public record State(Backend backend, String url, String keyPrefix) {
    public enum Backend { MEMORY, REDIS }

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_PREFIX = "switchboard:";
    public static final State MEMORY = new State(Backend.MEMORY, DEFAULT_URL, DEFAULT_PREFIX);
  }

  /**
   * A target's breaker: opens after {@code failureThreshold} consecutive counted failures, stays open for
   * {@code openFor}, then lets probes through, at most {@code maxHalfOpen} at once (Ferro's
   * {@code max_half_threshold}), until {@code successThreshold} of them succeed.
   */
  public record CircuitBreaker(int failureThreshold, int successThreshold, Duration openFor, int maxHalfOpen) {
    public static final CircuitBreaker DEFAULT = new CircuitBreaker(5, 2, Duration.ofSeconds(30), 1);

    /** One probe at a time while half-open. */
    public CircuitBreaker(int failureThreshold, int successThreshold, Duration openFor) {
      this(failureThreshold, successThreshold, openFor, 1);
    }
  }

  /** At most {@code maxConcurrency} requests in flight to a target; {@code queueSize} more may wait for a slot. */
  public record Concurrency(int maxConcurrency, int queueSize) {}

  /**
   * The listener. {@code eventLoops}: one server instance per loop; the default is Vert.x's, twice the cores.
   * {@code access} is who may call it, {@code limits} what one client may hold, and {@code shutdownTimeout} how
   * long requests in flight get to finish after SIGTERM. {@code h2c}: HTTP/2 without TLS is served beside
   * HTTP/1.1 (off by default: the protocol sniffing it needs delays the header timeout to a connection's first
   * bytes).
   */
  public record Server(String host, int port, long maxBodyBytes, int eventLoops, Access access, Limits limits,
      Duration shutdownTimeout, boolean h2c) {
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_EVENT_LOOPS = 2 * Runtime.getRuntime().availableProcessors();
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

    public Server withListener(String host, int port) {
      return new Server(host, port, maxBodyBytes, eventLoops, access, limits, shutdownTimeout, h2c);
    }

    public Server withAccess(Access access) {
      return new Server(host, port, maxBodyBytes, eventLoops, access, limits, shutdownTimeout, h2c);
    }

    public Server withLimits(Limits limits) {
      return new Server(host, port, maxBodyBytes, eventLoops, access, limits, shutdownTimeout, h2c);
    }
  }

  /**
   * Who may call the gateway. {@code masterKey} turns client authentication on (null: off, and then the
   * gateway serves loopback only unless {@code allowUnauthenticated}). {@code corsOrigins} are the browser
   * origins allowed, matched literally; {@code allowedHosts} the {@code Host} names served (empty: any when a
   * key is set, loopback names only when not); {@code trustedProxies} the CIDR ranges whose
   * {@code X-Forwarded-For} names the client (for the failed-key throttle).
   */
  public record Access(Secret masterKey, boolean allowUnauthenticated, boolean production, List<String> corsOrigins,
      List<String> allowedHosts, List<String> trustedProxies) {
    public Access {
      corsOrigins = List.copyOf(corsOrigins);
      allowedHosts = List.copyOf(allowedHosts);
      trustedProxies = List.copyOf(trustedProxies);
    }

    public boolean authenticates() {
      return masterKey != null;
    }
  }

  /**
   * What one client connection may hold. {@code maxConnections}: open client connections at once (past it a
   * new one gets a 503 and is closed). {@code headerTimeout}: from a connection's start to its first request
   * head; {@code keepAliveTimeout}: from an answer's end to the next request head; {@code bodyTimeout}: from a
   * request head to the end of its body. {@code clientRps} / {@code clientBurst}: a token bucket per client
   * address ({@code RATE_LIMIT_RPS} / {@code RATE_LIMIT_BURST}); a rate of 0 is no per-address limit.
   */
  public record Limits(int maxConnections, int maxHeaderBytes, int maxHeaders, Duration headerTimeout,
      Duration bodyTimeout, Duration keepAliveTimeout, double clientRps, int clientBurst) {
    public static final int DEFAULT_CLIENT_BURST = 40;
    public static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;
    public static final int DEFAULT_MAX_HEADERS = 100;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(60);
    public static final Limits DEFAULT = new Limits(defaultMaxConnections(), DEFAULT_MAX_HEADER_BYTES,
        DEFAULT_MAX_HEADERS, DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_KEEP_ALIVE_TIMEOUT, 0,
        DEFAULT_CLIENT_BURST);

    public boolean limitsClientRate() {
      return clientRps > 0;
    }

    /**
     * Below the process's open-files limit, with room for upstream connections, the stores and the JVM's own
     * files: a gateway out of descriptors fails {@code accept} and stalls every client, a capped one refuses
     * the surplus cleanly.
     */
    public static int defaultMaxConnections() {
      long fds = -1;
      if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
        fds = unix.getMaxFileDescriptorCount();
      }
      if (fds <= 0) {
        return 10_000;
      }
      long reserve = Math.max(256, fds / 4);
      return (int) Math.max(64, Math.min(1_000_000, fds - reserve));
    }
  }

  /**
   * A configured upstream account. {@code models} lists extra model ids it serves ("*" for all);
   * {@code baseUrl} is the API root as the provider's own SDK spells it (null for a kind that builds its URL
   * from its options, as Bedrock does from its region). {@code preset} is the named OpenAI-compatible provider
   * an {@code openai-compatible} entry is, or null; {@code options} holds what only its kind reads.
   * {@code tls} is how its HTTPS connections are verified ({@link Tls#NONE}: as the JDK does); {@code http2}
   * asks for HTTP/2 (ALPN on https, prior knowledge on http).
   */
  public record Provider(
      String key,
      ProviderType type,
      Secret apiKey,
      String baseUrl,
      Map<String, String> headers,
      Duration timeout,
      List<String> models,
      Duration connectTimeout,
      Duration streamIdleTimeout,
      Preset preset,
      ProviderOptions options,
      Tls tls,
      boolean http2) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public Provider {
      headers = Map.copyOf(headers);
      models = List.copyOf(models);
      connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
      streamIdleTimeout = streamIdleTimeout == null ? timeout : streamIdleTimeout;
      options = options == null ? ProviderOptions.NONE : options;
      tls = tls == null ? Tls.NONE : tls;
    }

    /** Default TLS, HTTP/1.1. */
    public Provider(String key, ProviderType type, Secret apiKey, String baseUrl, Map<String, String> headers,
        Duration timeout, List<String> models, Duration connectTimeout, Duration streamIdleTimeout, Preset preset,
        ProviderOptions options) {
      this(key, type, apiKey, baseUrl, headers, timeout, models, connectTimeout, streamIdleTimeout, preset, options,
          null, false);
    }

    /** No preset, no options. */
    public Provider(String key, ProviderType type, Secret apiKey, String baseUrl, Map<String, String> headers,
        Duration timeout, List<String> models, Duration connectTimeout, Duration streamIdleTimeout) {
      this(key, type, apiKey, baseUrl, headers, timeout, models, connectTimeout, streamIdleTimeout, null, null);
    }

    /** Default connect and stream idle timeouts. */
    public Provider(String key, ProviderType type, Secret apiKey, String baseUrl, Map<String, String> headers,
        Duration timeout, List<String> models) {
      this(key, type, apiKey, baseUrl, headers, timeout, models, null, null);
    }

    /** Whether its calls go over TLS: every kind but the mock, unless its base URL is plain http. */
    public boolean overTls() {
      return type != ProviderType.MOCK && !plainHttp(baseUrl);
    }

    /** A base URL (validated: the scheme is lower case) that {@code tls} settings cannot apply to. */
    static boolean plainHttp(String baseUrl) {
      return baseUrl != null && baseUrl.startsWith("http://");
    }

    /** The same provider at another API root (tests point real kinds at mocks this way). */
    public Provider withBaseUrl(String baseUrl) {
      return new Provider(key, type, apiKey, baseUrl, headers, timeout, models, connectTimeout, streamIdleTimeout,
          preset, options, tls, http2);
    }
  }

  /**
   * How a provider's HTTPS connections are verified, all read from files at load time. {@code trust} is the
   * JDK's CAs plus those of {@code caFile}, or null for the JDK's alone. {@code certificateChain} (PEM) and
   * {@code privateKey} (one PEM block) are the client certificate for mTLS, or both null. {@code insecure}
   * skips verifying the upstream's certificate and host name. The file names are kept for messages only.
   */
  public record Tls(String caFile, TrustManagerFactory trust, String certFile, String certificateChain,
      String keyFile, Secret privateKey, boolean insecure) {
    public static final Tls NONE = new Tls(null, null, null, null, null, null, false);

    public boolean isNone() {
      return trust == null && certificateChain == null && !insecure;
    }

    /** The key never shows, nor the trust store's contents. */
    @Override
    public String toString() {
      return "Tls[caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile + ", insecure=" + insecure + "]";
    }
  }

  /**
   * The routing strategy: {@code mode} is the mode with its own settings; {@code failoverOnStatusCodes} the
   * statuses that move to the next target, besides 408, 429 and 5xx.
   */
  public record Strategy(StrategyConfig mode, Set<Integer> failoverOnStatusCodes) {
    public Strategy {
      failoverOnStatusCodes = Set.copyOf(failoverOnStatusCodes);
    }
  }

  /**
   * {@code weight} is the target's relative share under loadbalance (fractional, as Ferro writes it; 0:
   * drained). {@code id} names the target in headers, logs and routing state: its {@code name} when the config gives
   * one, else its provider key, made unique with {@code #n} when several targets share a provider.
   * {@code circuitBreaker} and {@code concurrency} are null when off; {@code timeout} (per attempt) is null
   * when the provider's applies.
   */
  public record Target(
      String id, String virtualKey, double weight, Retry retry, List<String> models, Map<String, String> modelMap,
      CircuitBreaker circuitBreaker, Concurrency concurrency, Duration timeout) {
    public Target {
      models = List.copyOf(models);
      modelMap = Map.copyOf(modelMap);
    }

    /** A target without breaker, concurrency cap or timeout of its own. */
    public Target(String id, String virtualKey, double weight, Retry retry, List<String> models,
        Map<String, String> modelMap) {
      this(id, virtualKey, weight, retry, models, modelMap, null, null, null);
    }

    public Target withId(String id) {
      return new Target(id, virtualKey, weight, retry, models, modelMap, circuitBreaker, concurrency, timeout);
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

  /**
   * One {@code plugins} entry. {@code settings} is its config, read and checked by the plugin's own parser;
   * it builds the plugin when the server starts.
   */
  public record Plugin(String name, String type, String stage, boolean enabled, JsonNode config,
      io.switchboard.plugin.PluginSettings settings) {}
}
