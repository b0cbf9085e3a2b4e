package io.switchboard.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.GatewayConfig.CircuitBreaker;
import io.switchboard.config.GatewayConfig.Plugin;
import io.switchboard.config.GatewayConfig.Provider;
import io.switchboard.config.GatewayConfig.Resilience;
import io.switchboard.config.GatewayConfig.Server;
import io.switchboard.config.GatewayConfig.Strategy;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.litellm.LiteLlmConfig;
import io.switchboard.pricing.PriceCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a YAML or JSON config into a {@link GatewayConfig}: parses it, translates a LiteLLM Proxy config into
 * this format ({@link LiteLlmConfig}), substitutes {@code ${VAR}} and {@code ${VAR:-default}} in string values,
 * then hands each section to its reader. Every reader records its problems and carries on, so all of them
 * are reported at once.
 */
public final class ConfigLoader {
  public static final String DEFAULT_CONFIG_RESOURCE = "/switchboard-default.yaml";

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  // Duplicate keys are refused: YAML and JSON parsers otherwise keep the last one silently.
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final Set<String> ROOT_KEYS = Set.of(
      "server", "providers", "virtual_keys", "strategy", "targets", "aliases", "plugins", "compatibility",
      "request_timeout", "circuit_breaker", "context_window_fallback", "state", "pricing_file",
      // the reference gateway's own top-level keys
      "apiVersion", "max_request_bytes", "mcp_servers", "observability", "batch_target", "responses_target");
  /** The schema versions this build knows; another is kept with a warning, as the reference does. */
  private static final Set<String> API_VERSIONS = Set.of("v1");

  private ConfigLoader() {}

  /** The names a providers entry's {@code provider} may take. */
  static String expectedProviders() {
    return ProviderReader.expectedProviders();
  }

  public static GatewayConfig load(Path file, Map<String, String> env) {
    return parse(read(file), env, isJson(file), null);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(file + ": no such file"));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot be read (" + NodeReader.cannotRead(e) + ")"));
    }
  }

  /** A {@code .json} file is read as JSON, strictly: as YAML, a trailing comma or a comment would pass. */
  private static boolean isJson(Path file) {
    return file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
        .endsWith(".json");
  }

  /** The config used when none is given: the built-in mock provider, no API key needed. */
  public static GatewayConfig embeddedDefault() {
    return embeddedDefault(Map.of());
  }

  /** The embedded config, with the environment's server settings ({@code MASTER_KEY}, {@code CORS_ORIGINS}). */
  public static GatewayConfig embeddedDefault(Map<String, String> env) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_CONFIG_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), env);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses YAML or JSON (JSON is read by the YAML parser, of which it is a subset). */
  public static GatewayConfig parse(String text, Map<String, String> env) {
    return parse(text, env, false, null);
  }

  /**
   * What {@code validate} reports: the config, and the variables it names that this environment does not set.
   * A file is often checked away from the machine that holds its secrets (in CI, on a laptop); the reference
   * gateway accepts such a file too. {@code serve} reads the file with {@link #parse} and refuses an unset one.
   */
  public record Checked(GatewayConfig config, List<String> notes) {}

  public static Checked check(Path file, Map<String, String> env) {
    return check(read(file), env, isJson(file));
  }

  public static Checked check(String text, Map<String, String> env) {
    return check(text, env, false);
  }

  private static Checked check(String text, Map<String, String> env, boolean json) {
    List<String> notes = new ArrayList<>();
    GatewayConfig config = parse(text, env, json, notes);
    return new Checked(config, notes);
  }

  /**
   * {@code notes}: null for serve; else reading for validate, where what only the environment lacks (a variable,
   * a provider's credentials) is noted, and the problems of the values it left empty are spared.
   */
  private static GatewayConfig parse(String text, Map<String, String> env, boolean json, List<String> notes) {
    JsonNode root;
    try {
      root = json ? JSON.readTree(text) : YamlTree.read(text);
    } catch (JsonProcessingException e) {
      String duplicateAt = ParseProblem.duplicateAt(e);
      throw new ConfigException(List.of((duplicateAt == null || duplicateAt.isEmpty() ? "config" : duplicateAt)
          + ": " + ParseProblem.describe(e, json ? "JSON" : "YAML or JSON")));
    } catch (IOException e) {
      throw new ConfigException(List.of("config: " + e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ConfigException(List.of("config: expected a mapping at the top level, got " + NodeReader.describe(root)));
    }
    NodeReader reader = new NodeReader();
    if (notes != null) {
      reader.readAwayFromSecrets();
    }
    Map<String, String> origins = new HashMap<>();
    if (LiteLlmConfig.isLiteLlm((ObjectNode) root)) {
      List<String> warnings = new ArrayList<>();
      root = LiteLlmConfig.translate((ObjectNode) root, reader.problems(), warnings, origins);
      if (!warnings.isEmpty()) {
        LOG.warn("LiteLLM config: {} setting(s) accepted but not acted on:\n  {}", warnings.size(),
            String.join("\n  ", warnings.stream().map(Redaction::redactKeys).toList()));
      }
    }
    ReadEnvironment read = new ReadEnvironment(env);
    List<EnvSubstitution.Unset> unset = notes == null ? null : new ArrayList<>();
    EnvSubstitution.substitute(root, read, reader, unset);
    GatewayConfig config = read((ObjectNode) root, reader, read);
    if (notes != null) {
      // A value that came from an unset variable is empty here, not wrong: its problems are not the file's.
      reader.problems().removeIf(p -> unset.stream().anyMatch(u -> p.startsWith(u.path() + ":")
          || p.startsWith(u.path() + ".") || p.startsWith(u.path() + "[")));
      notes.addAll(reader.notes());
      unset.forEach(u -> notes.add(u.path() + ": environment variable " + u.variable()
          + " is not set here (serve needs it, or a default: ${" + u.variable() + ":-default})"));
    }
    if (!reader.problems().isEmpty()) {
      // Problems in translated LiteLLM settings are reported where the file has them.
      throw new ConfigException(read.scrub(LiteLlmConfig.relocate(reader.problems(), origins)));
    }
    return config;
  }

  /** One pass over the tree, section by section; the order is the order problems are reported in. */
  private static GatewayConfig read(ObjectNode root, NodeReader r, Map<String, String> env) {
    r.onlyKeys(root, "", ROOT_KEYS);
    apiVersion(root, r);
    Server server = new ServerReader(r, env).server(root.get("server"), root);
    List<Provider> providers = new ProviderReader(r, env).providers(root);
    StrategyReader strategies = new StrategyReader(r);
    StrategyReader.Mode mode = strategies.mode(root.get("strategy"));
    Set<Integer> failoverOn = strategies.failoverOn(root.get("strategy"));
    ResilienceReader resilienceReader = new ResilienceReader(r);
    CircuitBreaker defaultBreaker =
        resilienceReader.circuitBreaker(root.get("circuit_breaker"), "circuit_breaker", null);
    List<Target> targets = new TargetReader(r, !root.has("providers") && !root.has("virtual_keys"))
        .read(root.get("targets"), providers, defaultBreaker);
    Resilience resilience = resilienceReader.resilience(root, targets);
    if (mode == null) {
      mode = StrategyReader.defaultMode(root.get("strategy"));
    }
    if (mode.type() == StrategyConfig.LoadBalance.class && !targets.isEmpty()
        && targets.stream().mapToDouble(Target::weight).sum() == 0) {
      r.problem("targets", "every weight is 0 (expected: at least one target with weight > 0 for loadbalance)");
    }
    Map<String, String> aliases = new AliasReader(r).read(root);
    List<Plugin> plugins = new PluginListReader(r, env).read(root.get("plugins"));
    UnsupportedParamPolicy policy = new CompatibilityReader(r).read(root.get("compatibility"));
    Strategy strategy = strategies.read(root.get("strategy"), mode, failoverOn, targets);
    PriceCatalog prices = new PriceReader(r).read(root);
    List<McpServerConfig> mcpServers = new McpServersReader(r).read(root.get("mcp_servers"));
    ObservabilityConfig observability = new ObservabilityReader(r, env).read(root.get("observability"));
    GatewayConfig.StatefulTargets stateful = new StatefulTargetsReader(r).read(root, targets);
    return new GatewayConfig(server, providers, strategy, targets, aliases, plugins, policy, resilience, prices,
        mcpServers, observability, stateful);
  }

  /** Advisory, as in the reference: never a load failure, so a newer file still starts on an older build. */
  private static void apiVersion(ObjectNode root, NodeReader r) {
    String version = r.string(root, "apiVersion", "", false);
    if (version != null && !API_VERSIONS.contains(version)) {
      LOG.warn("apiVersion \"{}\" is not one this build knows (expected: v1); reading the file as v1",
          Redaction.redactKeys(version));
    }
  }
}
