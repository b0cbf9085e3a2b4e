package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.config.GatewayConfig.Plugin;
import io.switchboard.plugin.PluginRegistry;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code plugins:} list: each entry's name, type, stage and switch; its {@code config} is read by the plugin.
 *
 * <p>Ferro lists a plugin that works at several stages once per stage, each entry with the same config
 * (response-cache at before_request and after_request, request-logger at all three). Those enabled entries
 * are one plugin: Switchboard builds one instance from them, told every stage it was listed at. Entries of
 * one plugin with different configs, or two at one stage, are refused naming both. {@code type} is a label,
 * as in Ferro, which never reads it.
 */
record PluginListReader(NodeReader r, Map<String, String> env) {
  private static final Set<String> PLUGIN_KEYS = Set.of("name", "type", "stage", "enabled", "config");
  /** Where Ferro's request-logger persists: process configuration, not the plugin's. */
  static final String STORE_BACKEND = "REQUEST_LOG_STORE_BACKEND";
  static final String STORE_DSN = "REQUEST_LOG_STORE_DSN";
  /** Ferro's SQLite file when REQUEST_LOG_STORE_DSN is not set. */
  static final String DEFAULT_SQLITE_DSN = "ferrogw-requests.db";

  PluginListReader(NodeReader r) {
    this(r, Map.of());
  }

  /** One entry as written, before entries of one plugin are joined. */
  private record Listed(int index, String name, PluginRegistry.Entry entry, String type, Stage stage,
      String stageName, boolean enabled, JsonNode config) {
    String path() {
      return "plugins[" + index + "]";
    }

    boolean readable() {
      return entry != null && stage != null && config != null;
    }
  }

  List<Plugin> read(JsonNode list) {
    List<Plugin> out = new ArrayList<>();
    if (!r.isArray(list, "plugins")) {
      return out;
    }
    List<Listed> listed = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Listed entry = entry(i, list.get(i));
      if (entry != null) {
        listed.add(entry);
      }
    }
    Map<String, List<Listed>> enabled = new LinkedHashMap<>();
    for (Listed l : listed) {
      if (l.enabled() && l.name() != null) {
        enabled.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(l);
      }
    }
    for (Listed l : listed) {
      if (!l.enabled() || l.name() == null) {
        PluginSettings settings = l.readable()
            ? PluginRegistry.read(r, l.entry(), Set.of(l.stage()), l.config(), l.path()) : null;
        out.add(plugin(l, l.stage() == null ? l.stageName() : l.stage().configName(), settings));
        continue;
      }
      List<Listed> group = enabled.get(l.name());
      if (group.getFirst() == l) {
        out.add(joined(group));
      }
    }
    return out;
  }

  private Listed entry(int i, JsonNode node) {
    String path = "plugins[" + i + "]";
    if (!r.isObject(node, path)) {
      return null;
    }
    r.onlyKeys(node, path, PLUGIN_KEYS);
    String name = r.string(node, "name", path, true);
    PluginRegistry.Entry entry = name == null ? null : PluginRegistry.lookup(name);
    if (name != null && entry == null) {
      r.problem(path + ".name", "\"" + name + "\" is not a plugin (expected one of: "
          + String.join(", ", PluginRegistry.names().stream().sorted().toList()) + ")");
    }
    // Any scalar, as Ferro reads it into a string it never looks at again (true and "" included).
    JsonNode typeNode = node.get("type");
    String type = typeNode != null && typeNode.isValueNode() && !typeNode.isNull() ? typeNode.asText()
        : r.string(node, "type", path, false);
    String stageName = r.string(node, "stage", path, false);
    Stage stage = stageName == null ? Stage.BEFORE_REQUEST : Stage.of(stageName);
    if (stage == null) {
      r.problem(path + ".stage", "\"" + stageName + "\" is not a stage (expected one of: before_request, "
          + "after_request, on_error)");
    }
    boolean enabled = r.bool(node, "enabled", path, true);
    JsonNode config = node.get("config");
    if (config == null || config.isNull()) {
      config = JsonNodeFactory.instance.objectNode();
    } else if (!config.isObject()) {
      r.problem(path + ".config", "expected an object, got " + NodeReader.describe(config));
      config = null;
    }
    return new Listed(i, name, entry, type, stage, stageName, enabled, config);
  }

  /** The enabled entries of one plugin, as one plugin: at most one per stage, all with the first's config. */
  private Plugin joined(List<Listed> group) {
    Listed first = group.getFirst();
    int before = r.problems().size();
    Map<Stage, Listed> byStage = new LinkedHashMap<>();
    for (Listed l : group) {
      if (l.stage() == null || l.config() == null) {
        continue;
      }
      if (l.entry() != null && !l.entry().stages().contains(l.stage())) {
        PluginRegistry.read(r, l.entry(), Set.of(l.stage()), l.config(), l.path());  // names the stage
        continue;
      }
      Listed same = byStage.putIfAbsent(l.stage(), l);
      if (same != null) {
        r.problem(l.path() + ".stage", "plugin " + l.name() + " is listed at " + l.stage().configName()
            + " by " + same.path() + " too (expected: one entry per stage; a plugin listed twice would run"
            + " twice on every request)");
      }
      if (l != first && first.config() != null && !l.config().equals(first.config())) {
        r.problem(l.path() + ".config", "differs from " + first.path() + ".config, another entry of plugin "
            + l.name() + " (expected: the same config at every stage, as the entries are one plugin)");
      }
    }
    boolean ok = r.problems().size() == before && group.stream().allMatch(Listed::readable);
    Set<Stage> stages = byStage.isEmpty() ? EnumSet.noneOf(Stage.class) : EnumSet.copyOf(byStage.keySet());
    PluginSettings settings = null;
    if (ok && first.name().equals("request-logger") && storeFromEnvironment(first.config())) {
      settings = requestLoggerFromEnvironment(first, stages);
    } else if (ok) {
      settings = PluginRegistry.read(r, first.entry(), stages, first.config(), first.path());
    }
    String stage = ok ? PluginRegistry.primary(stages).configName()
        : first.stage() == null ? first.stageName() : first.stage().configName();
    return plugin(first, stage, settings);
  }

  /** Ferro's form: {@code persist: true} with neither backend nor dsn, the store named by the environment. */
  private static boolean storeFromEnvironment(JsonNode config) {
    return config.path("persist").asBoolean(false) && !config.has("backend") && !config.has("dsn");
  }

  /**
   * The request-logger persisting where REQUEST_LOG_STORE_BACKEND and REQUEST_LOG_STORE_DSN say (a SQLite
   * backend without a DSN uses Ferro's file name). With no backend set, the config still validates (validate
   * runs without the deployment's environment) but the gateway refuses to start: Ferro would carry on
   * logging to stdout only, and a persist: true that persists nothing would pass unnoticed.
   */
  private PluginSettings requestLoggerFromEnvironment(Listed l, Set<Stage> stages) {
    String backend = env.get(STORE_BACKEND);
    String dsn = env.get(STORE_DSN);
    com.fasterxml.jackson.databind.node.ObjectNode config = ((com.fasterxml.jackson.databind.node.ObjectNode) l.config())
        .deepCopy();
    String at = l.path() + ".config.persist";
    if (backend == null || backend.isBlank()) {
      config.put("persist", false);
      PluginSettings lines = PluginRegistry.read(r, l.entry(), stages, config, l.path());
      return lines == null ? null : context -> {
        throw new IllegalStateException(at + ": is true, but " + STORE_BACKEND + " is not set, so there is no store"
            + " to persist to (expected: " + STORE_BACKEND + "=sqlite or postgres, with " + STORE_DSN
            + "; or persist: false)");
      };
    }
    String kind = backend.trim().toLowerCase(java.util.Locale.ROOT);
    if (!Set.of("sqlite", "postgres", "postgresql").contains(kind)) {
      // The value is not quoted: every value read from the environment is scrubbed from problems.
      r.problem(at, STORE_BACKEND + " names no request log store (expected: sqlite or postgres)");
      return null;
    }
    if ((dsn == null || dsn.isBlank()) && !kind.equals("sqlite")) {
      r.problem(at, STORE_DSN + " is not set (expected: a PostgreSQL DSN, which that backend needs)");
      return null;
    }
    config.put("backend", kind);
    config.put("dsn", dsn == null || dsn.isBlank() ? DEFAULT_SQLITE_DSN : dsn);
    int before = r.problems().size();
    PluginSettings settings = PluginRegistry.read(r, l.entry(), stages, config, l.path());
    if (r.problems().size() > before) {
      // The problems name backend and dsn, which the file does not have: say where they came from.
      r.problem(at, "the store named by " + STORE_BACKEND + " and " + STORE_DSN + " is not usable (see above)");
    }
    return settings;
  }

  private static Plugin plugin(Listed l, String stage, PluginSettings settings) {
    String type = l.type() == null && l.entry() != null ? l.entry().type() : l.type();
    return new Plugin(l.name(), type, stage, l.enabled(), l.config(), settings);
  }
}
