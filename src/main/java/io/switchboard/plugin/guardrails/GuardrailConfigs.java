package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.switchboard.api.Json;
import io.switchboard.config.NodeReader;
import io.switchboard.config.ParseProblem;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The config readers of the guardrail plugins, one per plugin (see {@link io.switchboard.plugin.PluginRegistry}).
 * Every problem is recorded with its field's path; regexes and schemas are compiled here, at load, so a bad
 * one stops the start naming its field.
 */
public final class GuardrailConfigs {
  /** Characters of a streamed answer held back per choice by default (see {@link StreamGuard}). */
  static final int DEFAULT_STREAM_WINDOW = 128;

  private static final Map<String, PiiKind> PII_KINDS = piiKinds();
  /** Ferro's pii-redact entities: the four it knows. */
  private static final Map<String, PiiKind> FERRO_PII_ENTITIES = ferroEntities();
  private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
  private static final Set<String> BUNDLED_DIALECTS = Set.of(DRAFT_2020_12,
      "https://json-schema.org/draft/2019-09/schema", "http://json-schema.org/draft-07/schema#",
      "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema#",
      "http://json-schema.org/draft-04/schema#");

  private GuardrailConfigs() {}

  /**
   * {@code words} (Switchboard) or {@code blocked_words} (Ferro), not both. Ferro matches substrings, so with
   * its spelling {@code whole_words} defaults to false; with Switchboard's to true.
   */
  public static PluginSettings wordFilter(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    r.onlyKeys(config, path, Set.of("words", "blocked_words", "case_sensitive", "whole_words", "action",
        "stream_window"));
    boolean ferro = config.has("blocked_words");
    if (ferro && config.has("words")) {
      r.problem(NodeReader.join(path, "blocked_words"), "is set next to words, which means the same"
          + " (expected: one of words or blocked_words)");
    }
    String field = ferro ? "blocked_words" : "words";
    List<String> words = r.stringList(config, field, path);
    if (config.get(field) == null || config.get(field).isNull()) {
      r.problem(NodeReader.join(path, "words"), "is required (expected: a list of words or phrases, as words or"
          + " blocked_words)");
    } else if (words.isEmpty() && config.get(field).isArray() && config.get(field).isEmpty()) {
      r.problem(NodeReader.join(path, field), "is empty (expected: at least one word)");
    }
    boolean caseSensitive = r.bool(config, "case_sensitive", path, false);
    boolean wholeWords = r.bool(config, "whole_words", path, !ferro);
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.BLOCK);
    int window = window(r, config, path);
    boolean requests = stages.contains(Stage.BEFORE_REQUEST);
    boolean answers = stages.contains(Stage.AFTER_REQUEST);
    return context -> new ScanGuardrail(context.name(), requests, answers,
        new WordFilter(words, caseSensitive, wholeWords), action, f -> "a blocked word", window,
        ScanPool.shared(context.vertx()));
  }

  /** Ferro's documented {@code 0} means "no limit" for each of the three; at least one limit is set. */
  public static PluginSettings maxToken(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    int before = r.problems().size();
    r.onlyKeys(config, path, Set.of("max_tokens", "max_messages", "max_input_length"));
    Integer maxTokens = noLimitAtZero(r.integer(config, "max_tokens", path, null, 0, Integer.MAX_VALUE));
    Integer maxMessages = noLimitAtZero(r.integer(config, "max_messages", path, null, 0, Integer.MAX_VALUE));
    Integer maxInput = noLimitAtZero(r.integer(config, "max_input_length", path, null, 0, Integer.MAX_VALUE));
    if (maxTokens == null && maxMessages == null && maxInput == null && r.problems().size() == before) {
      r.problem(path, "sets no limit (expected: at least one of max_tokens, max_messages, max_input_length"
          + " above 0; 0 means no limit)");
    }
    MaxTokenGuard.Limits limits = new MaxTokenGuard.Limits(maxTokens, maxMessages, maxInput);
    return context -> new MaxTokenPlugin(context.name(), limits);
  }

  private static Integer noLimitAtZero(Integer value) {
    return value == null || value == 0 ? null : value;
  }

  /**
   * Switchboard's {@code kinds}, {@code custom_patterns}, {@code responses}, or Ferro's {@code entities},
   * {@code patterns}, {@code redact_placeholder}, {@code redact_mode} and {@code apply_to}.
   */
  public static PluginSettings piiRedact(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    r.onlyKeys(config, path, Set.of("kinds", "entities", "custom_patterns", "patterns", "action", "responses",
        "apply_to", "redact_mode", "redact_placeholder", "stream_window"));
    if (config.has("kinds") && config.has("entities")) {
      r.problem(NodeReader.join(path, "entities"), "is set next to kinds, which means the same (expected: one"
          + " of kinds or entities)");
    }
    String kindsField = config.has("entities") ? "entities" : "kinds";
    Map<String, PiiKind> names = kindsField.equals("entities") ? FERRO_PII_ENTITIES : PII_KINDS;
    Set<PiiKind> kinds = EnumSet.allOf(PiiKind.class);
    if (config.hasNonNull(kindsField)) {
      kinds = EnumSet.noneOf(PiiKind.class);
      List<String> listed = r.stringList(config, kindsField, path);
      for (int i = 0; i < listed.size(); i++) {
        PiiKind kind = names.get(listed.get(i).toLowerCase(Locale.ROOT));
        if (kind == null) {
          r.problem(NodeReader.join(path, kindsField) + "[" + i + "]", "\"" + listed.get(i) + "\" is not a PII"
              + " kind (expected one of: " + String.join(", ", names.keySet()) + ")");
        } else {
          kinds.add(kind);
        }
      }
    }
    List<NamedPatterns.Named> custom = new ArrayList<>();
    String customPath = NodeReader.join(path, "custom_patterns");
    for (Map.Entry<String, String> e : r.stringMap(config, "custom_patterns", path).entrySet()) {
      Pattern p = compile(r, NodeReader.join(customPath, e.getKey()), e.getValue());
      if (p != null) {
        custom.add(new NamedPatterns.Named(tag(e.getKey()), "text matching the custom pattern '" + e.getKey() + "'", p));
      }
    }
    List<String> patterns = r.stringList(config, "patterns", path);
    for (int i = 0; i < patterns.size(); i++) {
      String at = NodeReader.join(path, "patterns") + "[" + i + "]";
      Pattern p = nonEmpty(r, at, patterns.get(i)) ? compile(r, at, patterns.get(i)) : null;
      if (p != null) {
        custom.add(new NamedPatterns.Named("PII", "text matching pattern #" + (i + 1), p));
      }
    }
    if (kinds.isEmpty() && kindsField.equals("kinds") && custom.isEmpty() && config.hasNonNull("kinds")) {
      r.problem(NodeReader.join(path, "kinds"), "is empty and there are no custom_patterns (expected: something to"
          + " find)");
    } else if (kindsField.equals("entities") && config.get("entities").isArray()
        && config.get("entities").isEmpty()) {
      // As Ferro: an empty selector is refused rather than read as "every entity".
      r.problem(NodeReader.join(path, "entities"), "is empty (expected: at least one of email, phone, ssn,"
          + " credit_card; leave it out to find every kind)");
    }
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.REDACT, "block", "redact", "log");
    String mode = r.string(config, "redact_mode", path, false);
    String placeholder = r.string(config, "redact_placeholder", path, false);
    if (mode != null && !mode.equals("replace_type")) {
      r.problem(NodeReader.join(path, "redact_mode"), "\"" + mode + "\" is not a redaction mode (expected:"
          + " replace_type, the kind's tag; or redact_placeholder for a fixed text)");
    } else if (mode != null && placeholder != null) {
      r.problem(NodeReader.join(path, "redact_placeholder"), "is set next to redact_mode: replace_type, which"
          + " replaces with the kind instead (expected: one of them)");
    }
    if (placeholder != null && placeholder.isEmpty()) {
      r.problem(NodeReader.join(path, "redact_placeholder"), "is empty (expected: a text such as [REDACTED])");
    }
    boolean responses = r.bool(config, "responses", path, false);
    Sides sides = applyTo(r, config, path, stages, null);
    if (sides != null && config.has("responses")) {
      r.problem(NodeReader.join(path, "responses"), "is set next to apply_to, which decides it (expected: one"
          + " of them)");
    }
    boolean requests = sides != null ? sides.requests() : stages.contains(Stage.BEFORE_REQUEST);
    boolean answers = sides != null ? sides.answers() : stages.contains(Stage.AFTER_REQUEST) || responses;
    int window = window(r, config, path);
    Detector detector = new NamedPatterns(List.of(new PiiDetector(kinds)), custom);
    return context -> new ScanGuardrail(context.name(), requests, answers, detector, action,
        GuardrailConfigs::describePii, window, ScanPool.shared(context.vertx()), placeholder);
  }

  /** With Ferro's {@code entropy_check: true}, long random-looking strings count as secrets too. */
  public static PluginSettings secretScan(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    r.onlyKeys(config, path, Set.of("action", "entropy_check", "stream_window"));
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.BLOCK, "block", "redact", "warn",
        "log");
    boolean entropy = r.bool(config, "entropy_check", path, false);
    int window = window(r, config, path);
    boolean requests = stages.contains(Stage.BEFORE_REQUEST);
    boolean answers = stages.contains(Stage.AFTER_REQUEST);
    Detector detector = entropy ? new NamedPatterns(List.of(new SecretScanner(), new EntropyDetector()), List.of())
        : new SecretScanner();
    return context -> new ScanGuardrail(context.name(), requests, answers, detector, action,
        f -> article(f.label()), window, ScanPool.shared(context.vertx()));
  }

  /** Ferro's {@code apply_to: user_messages} scores only what users wrote. */
  public static PluginSettings promptShield(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    r.onlyKeys(config, path, Set.of("threshold", "action", "apply_to"));
    Double threshold = r.number(config, "threshold", path, 0.5, 0);
    if (threshold != null && !(threshold > 0 && threshold <= 1)) {
      r.problem(NodeReader.join(path, "threshold"), threshold + " is out of range (expected: > 0 and <= 1)");
    }
    blockOnly(r, config, path);
    String applyTo = r.string(config, "apply_to", path, false);
    if (applyTo != null && !applyTo.equals("user_messages")) {
      r.problem(NodeReader.join(path, "apply_to"), "\"" + applyTo + "\" is not what prompt-shield scores"
          + " (expected: user_messages; leave it out to score every message but the assistant's)");
    }
    double t = threshold == null ? 0.5 : threshold;
    boolean usersOnly = applyTo != null;
    return context -> new PromptShieldPlugin(context.name(), t, usersOnly, ScanPool.shared(context.vertx()));
  }

  /** Ferro's {@code apply_to} can only be {@code output}; {@code extract_json} reads JSON out of a code block. */
  public static PluginSettings schemaGuard(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    r.onlyKeys(config, path, Set.of("schema", "schema_file", "action", "apply_to", "extract_json"));
    blockOnly(r, config, path);
    String applyTo = r.string(config, "apply_to", path, false);
    if (applyTo != null && !applyTo.equals("output")) {
      r.problem(NodeReader.join(path, "apply_to"), "\"" + applyTo + "\" cannot be validated (expected: output,"
          + " the answer)");
    }
    boolean extractJson = r.bool(config, "extract_json", path, false);
    JsonNode inline = config.get("schema");
    String file = r.string(config, "schema_file", path, false);
    String schemaPath = NodeReader.join(path, "schema");
    String text = null;
    if (inline != null && !inline.isNull() && file != null) {
      r.problem(path, "sets both schema and schema_file (expected: one of them)");
    } else if (inline != null && !inline.isNull()) {
      if (inline.isObject() || inline.isBoolean()) {
        text = Json.string(inline);
      } else {
        r.problem(schemaPath, "expected a JSON schema object, got " + NodeReader.describe(inline));
      }
    } else if (file != null) {
      schemaPath = NodeReader.join(path, "schema_file");
      try {
        text = Files.readString(Path.of(file));  // once, at load: not on an event loop
        JsonNode parsed = Json.parse(text);
        if (parsed == null || !(parsed.isObject() || parsed.isBoolean())) {
          r.problem(schemaPath, "\"" + file + "\" does not hold a JSON schema object (expected: a JSON object)");
          text = null;
        }
      } catch (IOException e) {
        // Jackson's message quotes the file; ours says where.
        r.problem(schemaPath, "\"" + file + "\" cannot be read as JSON: " + (e instanceof JsonProcessingException j
            ? ParseProblem.describe(j, "JSON") : NodeReader.cannotRead(e)) + " (expected: a readable JSON schema file)");
        text = null;
      }
    } else {
      r.problem(path, "has no schema (expected: schema or schema_file)");
    }
    Schema schema = null;
    if (text != null) {
      schema = compileSchema(r, schemaPath, text);
    }
    Schema compiled = schema;
    return context -> new SchemaGuardPlugin(context.name(), compiled, extractJson, context.vertx(),
        ScanPool.shared(context.vertx()));
  }

  /**
   * Switchboard's {@code patterns} (a list, or names mapped to regexes) with {@code target}, or Ferro's
   * {@code rules}: each {@code {name, pattern, message, apply_to, action}}, where {@code apply_to} (input,
   * output or both) meets the stages the plugin is listed at, as in Ferro.
   */
  public static PluginSettings regexGuard(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    r.onlyKeys(config, path, Set.of("patterns", "rules", "action", "target", "stream_window"));
    if (config.has("rules")) {
      return ferroRegexGuard(r, config, path, stages);
    }
    Stage stage = io.switchboard.plugin.PluginRegistry.primary(stages);
    JsonNode node = config.get("patterns");
    String at = NodeReader.join(path, "patterns");
    List<NamedPatterns.Named> patterns = new ArrayList<>();
    if (node == null || node.isNull()) {
      r.problem(at, "is required (expected: a list of regexes, or names mapped to regexes; or Ferro's rules)");
    } else if (node.isObject()) {
      for (Map.Entry<String, String> e : r.stringMap(config, "patterns", path).entrySet()) {
        Pattern p = compile(r, NodeReader.join(at, e.getKey()), e.getValue());
        if (p != null) {
          patterns.add(new NamedPatterns.Named(tag(e.getKey()), "text matching the pattern '" + e.getKey() + "'", p));
        }
      }
    } else {
      List<String> list = r.stringList(config, "patterns", path);
      for (int i = 0; i < list.size(); i++) {
        Pattern p = compile(r, at + "[" + i + "]", list.get(i));
        if (p != null) {
          patterns.add(new NamedPatterns.Named("REGEX", "text matching pattern #" + (i + 1), p));
        }
      }
    }
    if (node != null && (node.isArray() || node.isObject()) && node.isEmpty()) {
      r.problem(at, "is empty (expected: at least one pattern)");
    }
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.BLOCK, "block", "redact", "warn",
        "log");
    String target = r.string(config, "target", path, false);
    boolean requests = stages.contains(Stage.BEFORE_REQUEST);
    boolean answers = stages.contains(Stage.AFTER_REQUEST);
    if (target != null) {
      switch (target) {
        case "request" -> {
          requests = true;
          answers = false;
        }
        case "response" -> {
          requests = false;
          answers = true;
        }
        case "both" -> {
          requests = true;
          answers = true;
        }
        default -> r.problem(NodeReader.join(path, "target"), "\"" + target
            + "\" is not a target (expected one of: request, response, both)");
      }
      if (stage == Stage.AFTER_REQUEST && requests) {
        r.problem(NodeReader.join(path, "target"), "\"" + target + "\" cannot be checked at after_request"
            + " (expected: response, or stage before_request)");
      }
    }
    int window = window(r, config, path);
    boolean req = requests;
    boolean ans = answers;
    Detector detector = new NamedPatterns(List.of(), patterns);
    return context -> new ScanGuardrail(context.name(), req, ans, detector, action, Finding::label, window,
        ScanPool.shared(context.vertx()));
  }

  private static final Set<String> RULE_KEYS = Set.of("name", "pattern", "message", "apply_to", "action");

  private static PluginSettings ferroRegexGuard(NodeReader r, JsonNode config, String path, Set<Stage> stages) {
    if (config.has("patterns") || config.has("target")) {
      r.problem(NodeReader.join(path, "rules"), "is set next to patterns or target, Switchboard's spelling of"
          + " the same (expected: rules alone, or patterns with target)");
    }
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.BLOCK, "block", "warn", "log");
    JsonNode rules = config.get("rules");
    String at = NodeReader.join(path, "rules");
    List<NamedPatterns.Named> patterns = new ArrayList<>();
    String sides = null;
    ScanGuardrail.Action ruleAction = null;
    if (!rules.isArray() || rules.isEmpty()) {
      r.problem(at, "expected a list of rules, got " + NodeReader.describe(rules)
          + " (expected: at least one {name, pattern, apply_to, action})");
    } else {
      for (int i = 0; i < rules.size(); i++) {
        String rulePath = at + "[" + i + "]";
        JsonNode rule = rules.get(i);
        if (!r.isObject(rule, rulePath)) {
          continue;
        }
        r.onlyKeys(rule, rulePath, RULE_KEYS);
        String name = r.string(rule, "name", rulePath, false);
        String regex = r.string(rule, "pattern", rulePath, false);
        String message = r.string(rule, "message", rulePath, false);
        Pattern p = regex == null ? null : nonEmpty(r, NodeReader.join(rulePath, "pattern"), regex)
            ? compile(r, NodeReader.join(rulePath, "pattern"), regex) : null;
        if (regex == null) {
          r.problem(NodeReader.join(rulePath, "pattern"), "is required (expected: a regex)");
        }
        String applyTo = r.string(rule, "apply_to", rulePath, false);
        applyTo = applyTo == null ? "input" : applyTo;
        if (!Set.of("input", "output", "both").contains(applyTo)) {
          r.problem(NodeReader.join(rulePath, "apply_to"), "\"" + applyTo + "\" is not a side (expected one of:"
              + " input, output, both)");
        } else if (sides != null && !sides.equals(applyTo)) {
          r.problem(NodeReader.join(rulePath, "apply_to"), "\"" + applyTo + "\" differs from an earlier rule's \""
              + sides + "\" (expected: one apply_to for every rule of a plugin; list another regex-guard)");
        }
        sides = sides == null ? applyTo : sides;
        ScanGuardrail.Action own = action(r, rule, rulePath, action, "block", "warn", "log");
        if (rule.has("action") && ruleAction != null && own != ruleAction) {
          r.problem(NodeReader.join(rulePath, "action"), "differs from an earlier rule's action (expected: one"
              + " action for every rule of a plugin; list another regex-guard)");
        }
        ruleAction = rule.has("action") ? own : ruleAction;
        if (p != null) {
          String what = message != null ? message : name != null ? "text matching the rule '" + name + "'"
              : "text matching rule #" + (i + 1);
          patterns.add(new NamedPatterns.Named(name == null ? "REGEX" : tag(name), what, p));
        }
      }
    }
    boolean input = !"output".equals(sides);
    boolean output = "output".equals(sides) || "both".equals(sides);
    boolean requests = input && stages.contains(Stage.BEFORE_REQUEST);
    boolean answers = output && stages.contains(Stage.AFTER_REQUEST);
    if (sides != null && !requests && !answers) {
      r.problem(at, "apply_to " + sides + " checks nothing at " + stages.stream().map(Stage::configName).sorted()
          .toList() + " (expected: input rules at before_request, output rules at after_request)");
    }
    ScanGuardrail.Action chosen = ruleAction != null ? ruleAction : action;
    int window = DEFAULT_STREAM_WINDOW;
    Detector detector = new NamedPatterns(List.of(), patterns);
    return context -> new ScanGuardrail(context.name(), requests, answers, detector, chosen, Finding::label,
        window, ScanPool.shared(context.vertx()));
  }

  /** Ferro's {@code apply_to: input|output|both} met with the stages listed; null when not set. */
  private record Sides(boolean requests, boolean answers) {}

  private static Sides applyTo(NodeReader r, JsonNode config, String path, Set<Stage> stages, String fallback) {
    String value = r.string(config, "apply_to", path, false);
    value = value == null ? fallback : value;
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "input" -> new Sides(true, false);
      case "output" -> new Sides(false, true);
      case "both" -> new Sides(true, true);
      default -> {
        r.problem(NodeReader.join(path, "apply_to"), "\"" + value + "\" is not a side (expected one of: input,"
            + " output, both)");
        yield null;
      }
    };
  }

  private static boolean nonEmpty(NodeReader r, String at, String regex) {
    if (regex.isEmpty()) {
      r.problem(at, "is empty, which matches every text (expected: a regex)");
      return false;
    }
    return true;
  }

  /** Checks the schema against its meta-schema (bundled drafts only: nothing is fetched), then compiles it. */
  private static Schema compileSchema(NodeReader r, String at, String text) {
    try {
      SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
      JsonNode parsed = Json.parse(text);
      String dialect = parsed.path("$schema").asText(DRAFT_2020_12);
      if (BUNDLED_DIALECTS.contains(dialect)) {
        List<com.networknt.schema.Error> errors = registry.getSchema(SchemaLocation.of(dialect))
            .validate(text, InputFormat.JSON);
        if (!errors.isEmpty()) {
          r.problem(at, "is not a valid JSON schema: " + errors.getFirst() + " (expected: a schema valid against "
              + dialect + ")");
          return null;
        }
      }
      Schema schema = registry.getSchema(text);
      schema.initializeValidators();
      return schema;
    } catch (IOException | RuntimeException e) {
      r.problem(at, "is not a valid JSON schema: " + e.getMessage() + " (expected: a JSON schema)");
      return null;
    }
  }

  private static ScanGuardrail.Action action(NodeReader r, JsonNode config, String path, ScanGuardrail.Action fallback) {
    return action(r, config, path, fallback, "block", "redact");
  }

  /** One of {@code allowed}: block, redact, or Ferro's warn and log (both: log the finding and pass on). */
  private static ScanGuardrail.Action action(NodeReader r, JsonNode config, String path, ScanGuardrail.Action fallback,
      String... allowed) {
    String value = r.string(config, "action", path, false);
    if (value == null) {
      return fallback;
    }
    if (!List.of(allowed).contains(value)) {
      r.problem(NodeReader.join(path, "action"), "\"" + value + "\" is not an action of this guardrail (expected"
          + " one of: " + String.join(", ", allowed) + ")");
      return fallback;
    }
    return switch (value) {
      case "block" -> ScanGuardrail.Action.BLOCK;
      case "redact" -> ScanGuardrail.Action.REDACT;
      default -> ScanGuardrail.Action.LOG;
    };
  }

  private static void blockOnly(NodeReader r, JsonNode config, String path) {
    String value = r.string(config, "action", path, false);
    if (value != null && !value.equals("block")) {
      r.problem(NodeReader.join(path, "action"), "\"" + value + "\" is not an action of this guardrail (expected: block)");
    }
  }

  private static int window(NodeReader r, JsonNode config, String path) {
    return r.integer(config, "stream_window", path, DEFAULT_STREAM_WINDOW, 16, 65_536);
  }

  private static Pattern compile(NodeReader r, String at, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      r.problem(at, "\"" + regex + "\" is not a valid regular expression: " + e.getDescription()
          + " at index " + e.getIndex() + " (expected: a Java regex)");
      return null;
    }
  }

  /** A pattern's name as a redaction tag: upper case, only letters, digits and underscores. */
  private static String tag(String name) {
    String t = name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]+", "_");
    return t.isEmpty() ? "CUSTOM" : t;
  }

  static String describePii(Finding f) {
    return switch (f.kind()) {
      case "EMAIL" -> "an email address";
      case "PHONE" -> "a phone number";
      case "CREDIT_CARD" -> "a credit card number";
      case "IBAN" -> "an IBAN";
      case "IP_ADDRESS" -> "an IP address";
      case "US_SSN" -> "a US social security number";
      default -> f.label();  // a custom pattern: its description
    };
  }

  /** "an OpenAI API key", "a GitHub token". */
  static String article(String label) {
    return ("AEIOUaeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
  }

  private static Map<String, PiiKind> ferroEntities() {
    Map<String, PiiKind> m = new LinkedHashMap<>();
    m.put("email", PiiKind.EMAIL);
    m.put("phone", PiiKind.PHONE);
    m.put("ssn", PiiKind.US_SSN);
    m.put("credit_card", PiiKind.CREDIT_CARD);
    return m;
  }

  private static Map<String, PiiKind> piiKinds() {
    Map<String, PiiKind> m = new LinkedHashMap<>();
    m.put("email", PiiKind.EMAIL);
    m.put("phone", PiiKind.PHONE);
    m.put("credit_card", PiiKind.CREDIT_CARD);
    m.put("iban", PiiKind.IBAN);
    m.put("ssn", PiiKind.US_SSN);
    m.put("national_id", PiiKind.US_SSN);
    m.put("ip", PiiKind.IP_ADDRESS);
    m.put("ip_address", PiiKind.IP_ADDRESS);
    return m;
  }
}
