package io.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.ConfigException;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.Preset;
import io.switchboard.config.Presets;
import io.switchboard.config.ProviderType;
import io.switchboard.store.RequestLogLocation;
import io.switchboard.store.RequestLogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code switchboard doctor}: checks what {@code serve} needs, one line each: the JDK, the config, the master
 * key, the provider variables, each provider's reachability, the request-log store and Redis when the config
 * uses them, and a running gateway when one is named. Exit 1 when any check fails; values of variables are
 * never printed, only their names.
 */
final class DoctorCommand implements Command {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** Provider variables besides {@code <P>_API_KEY} and {@code <P>_BASE_URL}, as Ferro and the SDKs name them. */
  private static final List<String> OTHER_VARIABLES = List.of("AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_PROFILE",
      "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_DEPLOYMENT", "OLLAMA_HOST", "REPLICATE_API_TOKEN",
      "GOOGLE_APPLICATION_CREDENTIALS");

  @Override
  public String name() {
    return "doctor";
  }

  @Override
  public String summary() {
    return "Check the environment, the config, and what it connects to";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard doctor [FILE | --config FILE] [--timeout SECONDS] [--gateway-url URL]
        Checks, one line each: the JDK; the config (FILE, else GATEWAY_CONFIG, else the embedded default);
        MASTER_KEY; which provider variables are set (names only, never values); each configured provider's
        base URL (a GET without credentials: any HTTP answer is reachable); the request-log store and Redis when
        the config uses them; and a running gateway's /health when --gateway-url or FERROGW_URL names one.
          --timeout SECONDS   per network check (default 5)
        Exit status: 0 every check passed, 1 one or more failed, 2 bad arguments.""";
  }

  @Override
  public Args.Spec flags() {
    return Args.Spec.of(Args.Flag.value("--config", "-c"), Args.Flag.value("--timeout"), Args.GATEWAY_URL,
        Args.API_KEY);
  }

  @Override
  public int run(Args args, Io io) {
    String file = ConfigFile.choose(args, io);
    Duration timeout = timeout(args.value("--timeout"));
    Report report = new Report(io.out());

    report.section("Environment");
    Runtime.Version java = Runtime.version();
    String jdk = "Java " + java + " (" + System.getProperty("java.vendor", "unknown vendor") + ")";
    if (java.feature() >= 25) {
      report.pass(jdk);
    } else {
      report.fail(jdk + ": Switchboard needs Java 25 or later");
    }
    List<String> variables = providerVariables(io);
    if (variables.isEmpty()) {
      report.skip("no provider variables set (" + String.join(", ", List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY",
          "...")) + ")");
    } else {
      report.pass("provider variables set: " + String.join(", ", variables));
    }

    report.section("Configuration");
    GatewayConfig config = null;
    String shown = file == null ? "embedded default config (GATEWAY_CONFIG not set)" : file;
    try {
      config = ConfigFile.load(file, io);
      report.pass(shown + ": valid (" + ConfigSummary.oneLine(config) + ")");
    } catch (ConfigException e) {
      report.fail(shown + ": not valid (" + ConfigSummary.count(e.problems().size(), "problem") + "):");
      e.problems().forEach(p -> io.out().println("         " + p));
    }
    masterKey(config, io, report);

    report.section("Providers");
    if (config == null) {
      report.skip("not checked: the config is not valid");
    } else {
      providers(config, timeout, report);
    }

    report.section("Stores");
    if (config == null) {
      report.skip("not checked: the config is not valid");
    } else {
      stores(config, timeout, report);
    }

    String gatewayUrl = args.value("--gateway-url") != null ? args.value("--gateway-url") : io.variable("FERROGW_URL");
    if (gatewayUrl != null) {
      report.section("Gateway");
      GatewayClient gateway = GatewayClient.of(args, io);
      try {
        GatewayClient.Answer health = gateway.get("/health");
        if (health.status() == 200) {
          report.pass(gateway.baseUrl() + ": healthy (" + health.millis() + " ms)");
        } else {
          report.fail(gateway.baseUrl() + ": /health answered HTTP " + health.status());
        }
      } catch (IOException e) {
        report.fail(gateway.baseUrl() + ": unreachable: " + e.getMessage());
      }
    }

    io.out().println();
    if (report.failures() == 0) {
      io.out().println("  All checks passed.");
      return 0;
    }
    io.out().println("  " + ConfigSummary.count(report.failures(), "check") + " failed.");
    return 1;
  }

  private static Duration timeout(String text) {
    if (text == null) {
      return DEFAULT_TIMEOUT;
    }
    try {
      double seconds = Double.parseDouble(text);
      if (seconds > 0 && seconds <= 300) {
        return Duration.ofMillis((long) (seconds * 1000));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Args.UsageException("--timeout " + text + " is not a number of seconds (expected: > 0 and <= 300)");
  }

  /** The names of the provider variables that are set, in a stable order. */
  static List<String> providerVariables(Io io) {
    Set<String> names = new LinkedHashSet<>();
    for (ProviderType type : ProviderType.values()) {
      if (type.envPrefix() != null) {
        names.addAll(type.apiKeyEnv());
        names.add(type.envPrefix() + "_BASE_URL");
      }
    }
    for (Preset preset : Presets.all()) {
      names.addAll(preset.apiKeyEnv());
      names.addAll(preset.baseUrlEnv());
    }
    names.addAll(OTHER_VARIABLES);
    return names.stream().filter(n -> io.variable(n) != null).toList();
  }

  private static void masterKey(GatewayConfig config, Io io, Report report) {
    if (io.variable("MASTER_KEY") != null) {
      report.pass("MASTER_KEY is set: clients authenticate with it");
    } else if (config != null && config.server().access().authenticates()) {
      report.pass("a master key is set in the config: clients authenticate with it");
    } else if ("true".equalsIgnoreCase(io.variable("ALLOW_UNAUTHENTICATED_PROXY"))) {
      report.warn("MASTER_KEY not set and ALLOW_UNAUTHENTICATED_PROXY=true: anyone who reaches the gateway can "
          + "use it");
    } else {
      report.warn("MASTER_KEY not set: the gateway serves this machine only (loopback); 'switchboard init' "
          + "makes a key");
    }
  }

  private static void providers(GatewayConfig config, Duration timeout, Report report) {
    Map<GatewayConfig.Provider, CompletableFuture<Probes.Result>> probes = new LinkedHashMap<>();
    for (GatewayConfig.Provider p : config.providers()) {
      if (p.type() == ProviderType.MOCK || p.baseUrl() == null || p.tls().insecure()) {
        continue;
      }
      probes.put(p, Probes.http(p.baseUrl(), timeout, p.tls().trust()));
    }
    for (GatewayConfig.Provider p : config.providers()) {
      String name = p.key() + " (" + (p.preset() != null ? p.preset().name() : p.type().configName()) + ")";
      if (p.type() == ProviderType.MOCK) {
        report.skip(name + ": built in, no network");
      } else if (p.baseUrl() == null) {
        report.skip(name + ": no fixed base URL to check (built per request from its region or account)");
      } else if (p.tls().insecure()) {
        Probes.Result tcp = Probes.tcp(p.baseUrl(), timeout);
        line(report, name + ": " + Probes.display(p.baseUrl()), tcp);
      } else {
        line(report, name + ": " + Probes.display(p.baseUrl()), probes.get(p).join());
      }
    }
    if (config.providers().isEmpty()) {
      report.skip("no providers configured");
    }
  }

  private static void stores(GatewayConfig config, Duration timeout, Report report) {
    boolean any = false;
    for (GatewayConfig.Plugin plugin : config.plugins()) {
      if (!plugin.enabled() || plugin.settings() == null || plugin.settings().requestLog().isEmpty()) {
        continue;
      }
      any = true;
      requestLog(plugin.name(), plugin.settings().requestLog().get(), report);
    }
    for (Map.Entry<String, String> redis : redisUrls(config).entrySet()) {
      any = true;
      line(report, "Redis " + Probes.display(redis.getValue()) + " (" + redis.getKey() + ")",
          Probes.redis(redis.getValue(), timeout));
    }
    if (!any) {
      report.skip("no request-log store or Redis in this config");
    }
  }

  /**
   * SQLite: the file (or its directory) must be writable; nothing is created. PostgreSQL: a connection opens
   * (and the table is created when missing, as serve would).
   */
  private static void requestLog(String plugin, RequestLogLocation location, Report report) {
    String backend = location.backend() == null ? "" : location.backend().toLowerCase(java.util.Locale.ROOT);
    String name = "request log (" + plugin + ", " + backend + ")";
    if (backend.equals("sqlite")) {
      Path file = Path.of(location.dsn()).toAbsolutePath();
      Path dir = file.getParent();
      if (Files.exists(file)) {
        line(report, name + ": " + file, Files.isWritable(file) ? new Probes.Result(true, "writable")
            : new Probes.Result(false, "not writable"));
      } else {
        line(report, name + ": " + file, dir != null && Files.isDirectory(dir) && Files.isWritable(dir)
            ? new Probes.Result(true, "will be created") : new Probes.Result(false, "its directory is missing or "
            + "not writable"));
      }
      return;
    }
    try (RequestLogStore store = location.open()) {
      report.pass(name + ": connected");
    } catch (Exception e) {
      report.fail(name + ": cannot connect: " + GatewayClient.reason(e));
    }
  }

  /** Where the config uses Redis: the shared routing state and the plugins with {@code backend: redis}. */
  static Map<String, String> redisUrls(GatewayConfig config) {
    Map<String, String> urls = new LinkedHashMap<>();
    GatewayConfig.State state = config.resilience().state();
    if (state.backend() == GatewayConfig.State.Backend.REDIS) {
      urls.put("routing state", state.url());
    }
    for (GatewayConfig.Plugin plugin : config.plugins()) {
      JsonNode settings = plugin.config();
      if (plugin.enabled() && settings != null && "redis".equals(settings.path("backend").asText())
          && settings.path("url").isTextual()) {
        urls.put("plugin " + plugin.name(), settings.path("url").asText());
      }
    }
    return urls;
  }

  private static void line(Report report, String what, Probes.Result result) {
    if (result.reachable()) {
      report.pass(what + ": " + result.detail());
    } else {
      report.fail(what + ": " + result.detail());
    }
  }
}
