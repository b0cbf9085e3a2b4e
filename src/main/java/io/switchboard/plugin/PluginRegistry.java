package io.switchboard.plugin;

import static io.switchboard.plugin.Stage.AFTER_REQUEST;
import static io.switchboard.plugin.Stage.BEFORE_REQUEST;
import static io.switchboard.plugin.Stage.ON_ERROR;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.budget.BudgetSettings;
import io.switchboard.plugin.cache.CacheSettings;
import io.switchboard.plugin.guardrails.GuardrailConfigs;
import io.switchboard.plugin.logging.RequestLoggerSettings;
import io.switchboard.plugin.ratelimit.RateLimitSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every plugin Switchboard knows, by config name: its type, the stages it can act at and how its config is
 * read. Adding a plugin is one line here plus its own package.
 */
public final class PluginRegistry {
  /**
   * Reads one plugin's {@code config} object, recording problems under {@code path}; returns null on problems.
   * {@code stages} are every stage the plugin is listed at (Ferro lists a plugin once per stage, with one config).
   */
  @FunctionalInterface
  public interface Parser {
    PluginSettings parse(NodeReader r, JsonNode config, String path, Set<Stage> stages);
  }

  /** A parser that only needs the one stage the plugin runs at. */
  @FunctionalInterface
  public interface StageParser {
    PluginSettings parse(NodeReader r, JsonNode config, String path, Stage stage);
  }

  /** One known plugin: the {@code type} its config entry carries and the stages it accepts. */
  public record Entry(String name, String type, Set<Stage> stages, Parser parser) {}

  /**
   * The one stage Switchboard runs a plugin listed at several stages: each plugin wraps the upstream call,
   * so the request side (before_request) covers the answer side too; only a plugin listed at nothing but
   * after_request or on_error keeps that stage.
   */
  public static Stage primary(Set<Stage> stages) {
    return stages.contains(BEFORE_REQUEST) || stages.isEmpty() ? BEFORE_REQUEST
        : stages.contains(AFTER_REQUEST) ? AFTER_REQUEST : ON_ERROR;
  }

  private static Parser at(StageParser p) {
    return (r, config, path, stages) -> p.parse(r, config, path, primary(stages));
  }

  private static final Map<String, Entry> ENTRIES = index(
      new Entry("rate-limit", "ratelimit", Set.of(BEFORE_REQUEST), at(RateLimitSettings::parse)),
      new Entry("response-cache", "transform", Set.of(BEFORE_REQUEST, AFTER_REQUEST), at(CacheSettings::parse)),
      new Entry("request-logger", "logging", Set.of(BEFORE_REQUEST, AFTER_REQUEST, ON_ERROR),
          at(RequestLoggerSettings::parse)),
      new Entry("budget", "budget", Set.of(BEFORE_REQUEST, AFTER_REQUEST), at(BudgetSettings::parse)),
      new Entry("word-filter", "guardrail", Set.of(BEFORE_REQUEST, AFTER_REQUEST), GuardrailConfigs::wordFilter),
      new Entry("max-token", "guardrail", Set.of(BEFORE_REQUEST), GuardrailConfigs::maxToken),
      new Entry("pii-redact", "guardrail", Set.of(BEFORE_REQUEST, AFTER_REQUEST), GuardrailConfigs::piiRedact),
      new Entry("secret-scan", "guardrail", Set.of(BEFORE_REQUEST, AFTER_REQUEST), GuardrailConfigs::secretScan),
      new Entry("prompt-shield", "guardrail", Set.of(BEFORE_REQUEST), GuardrailConfigs::promptShield),
      new Entry("schema-guard", "guardrail", Set.of(AFTER_REQUEST), GuardrailConfigs::schemaGuard),
      new Entry("regex-guard", "guardrail", Set.of(BEFORE_REQUEST, AFTER_REQUEST), GuardrailConfigs::regexGuard));

  private PluginRegistry() {}

  public static Entry lookup(String name) {
    return ENTRIES.get(name);
  }

  public static Set<String> names() {
    return ENTRIES.keySet();
  }

  /** The types any plugin declares, sorted, for error messages. */
  public static List<String> types() {
    return ENTRIES.values().stream().map(Entry::type).distinct().sorted().toList();
  }

  /** {@link #read(NodeReader, Entry, Set, JsonNode, String)} for a plugin listed at one stage. */
  public static PluginSettings read(NodeReader r, Entry entry, String type, Stage stage, JsonNode config,
      String path) {
    return read(r, entry, Set.of(stage == null ? BEFORE_REQUEST : stage), config, path);
  }

  /**
   * Checks the stages a plugin is listed at and reads its config. Returns null when a problem was recorded.
   * A config entry's {@code type} is a label, as in Ferro (which never consults it): the plugin's own type
   * decides how it fails.
   */
  public static PluginSettings read(NodeReader r, Entry entry, Set<Stage> stages, JsonNode config, String path) {
    int before = r.problems().size();
    for (Stage stage : stages) {
      if (!entry.stages().contains(stage)) {
        r.problem(path + ".stage", "plugin " + entry.name() + " cannot run at " + stage.configName()
            + " (expected: " + entry.stages().stream().sorted().map(Stage::configName)
            .collect(Collectors.joining(" or ")) + ")");
      }
    }
    PluginSettings settings = entry.parser().parse(r, config, path + ".config", stages);
    return r.problems().size() > before ? null : settings;
  }

  private static Map<String, Entry> index(Entry... entries) {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      out.put(e.name(), e);
    }
    return Map.copyOf(out);
  }
}
