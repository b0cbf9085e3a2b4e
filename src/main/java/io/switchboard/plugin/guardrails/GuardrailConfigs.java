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
  private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
  private static final Set<String> BUNDLED_DIALECTS = Set.of(DRAFT_2020_12,
      "https://json-schema.org/draft/2019-09/schema", "http://json-schema.org/draft-07/schema#",
      "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema#",
      "http://json-schema.org/draft-04/schema#");

  private GuardrailConfigs() {}

  public static PluginSettings wordFilter(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, Set.of("words", "case_sensitive", "whole_words", "action", "stream_window"));
    List<String> words = r.stringList(config, "words", path);
    if (config.get("words") == null || config.get("words").isNull()) {
      r.problem(NodeReader.join(path, "words"), "is required (expected: a list of words or phrases)");
    } else if (words.isEmpty() && config.get("words").isArray() && config.get("words").isEmpty()) {
      r.problem(NodeReader.join(path, "words"), "is empty (expected: at least one word)");
    }
    boolean caseSensitive = r.bool(config, "case_sensitive", path, false);
    boolean wholeWords = r.bool(config, "whole_words", path, true);
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.BLOCK);
    int window = window(r, config, path);
    boolean answers = stage == Stage.AFTER_REQUEST;
    return context -> new ScanGuardrail(context.name(), !answers, answers,
        new WordFilter(words, caseSensitive, wholeWords), action, f -> "a blocked word", window,
        ScanPool.shared(context.vertx()));
  }

  public static PluginSettings maxToken(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, Set.of("max_tokens", "max_messages", "max_input_length"));
    Integer maxTokens = r.integer(config, "max_tokens", path, null, 1, Integer.MAX_VALUE);
    Integer maxMessages = r.integer(config, "max_messages", path, null, 1, Integer.MAX_VALUE);
    Integer maxInput = r.integer(config, "max_input_length", path, null, 1, Integer.MAX_VALUE);
    if (maxTokens == null && maxMessages == null && maxInput == null && !config.has("max_tokens")
        && !config.has("max_messages") && !config.has("max_input_length")) {
      r.problem(path, "sets no limit (expected: at least one of max_tokens, max_messages, max_input_length)");
    }
    MaxTokenGuard.Limits limits = new MaxTokenGuard.Limits(maxTokens, maxMessages, maxInput);
    return context -> new MaxTokenPlugin(context.name(), limits);
  }

  public static PluginSettings piiRedact(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, Set.of("kinds", "custom_patterns", "action", "responses", "stream_window"));
    Set<PiiKind> kinds = EnumSet.allOf(PiiKind.class);
    if (config.hasNonNull("kinds")) {
      kinds = EnumSet.noneOf(PiiKind.class);
      List<String> names = r.stringList(config, "kinds", path);
      for (int i = 0; i < names.size(); i++) {
        PiiKind kind = PII_KINDS.get(names.get(i).toLowerCase(Locale.ROOT));
        if (kind == null) {
          r.problem(NodeReader.join(path, "kinds") + "[" + i + "]", "\"" + names.get(i) + "\" is not a PII kind"
              + " (expected one of: " + String.join(", ", PII_KINDS.keySet()) + ")");
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
    if (kinds.isEmpty() && custom.isEmpty() && config.hasNonNull("kinds")) {
      r.problem(NodeReader.join(path, "kinds"), "is empty and there are no custom_patterns (expected: something to find)");
    }
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.REDACT);
    boolean responses = r.bool(config, "responses", path, false);
    int window = window(r, config, path);
    boolean requests = stage != Stage.AFTER_REQUEST;
    boolean answers = stage == Stage.AFTER_REQUEST || responses;
    Detector detector = new NamedPatterns(List.of(new PiiDetector(kinds)), custom);
    return context -> new ScanGuardrail(context.name(), requests, answers, detector, action,
        GuardrailConfigs::describePii, window, ScanPool.shared(context.vertx()));
  }

  public static PluginSettings secretScan(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, Set.of("action", "stream_window"));
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.BLOCK);
    int window = window(r, config, path);
    boolean answers = stage == Stage.AFTER_REQUEST;
    return context -> new ScanGuardrail(context.name(), !answers, answers, new SecretScanner(), action,
        f -> article(f.label()), window, ScanPool.shared(context.vertx()));
  }

  public static PluginSettings promptShield(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, Set.of("threshold", "action"));
    Double threshold = r.number(config, "threshold", path, 0.5, 0);
    if (threshold != null && !(threshold > 0 && threshold <= 1)) {
      r.problem(NodeReader.join(path, "threshold"), threshold + " is out of range (expected: > 0 and <= 1)");
    }
    blockOnly(r, config, path);
    double t = threshold == null ? 0.5 : threshold;
    return context -> new PromptShieldPlugin(context.name(), t, ScanPool.shared(context.vertx()));
  }

  public static PluginSettings schemaGuard(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, Set.of("schema", "schema_file", "action"));
    blockOnly(r, config, path);
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
    return context -> new SchemaGuardPlugin(context.name(), compiled, context.vertx(),
        ScanPool.shared(context.vertx()));
  }

  public static PluginSettings regexGuard(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, Set.of("patterns", "action", "target", "stream_window"));
    JsonNode node = config.get("patterns");
    String at = NodeReader.join(path, "patterns");
    List<NamedPatterns.Named> patterns = new ArrayList<>();
    if (node == null || node.isNull()) {
      r.problem(at, "is required (expected: a list of regexes, or names mapped to regexes)");
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
    ScanGuardrail.Action action = action(r, config, path, ScanGuardrail.Action.BLOCK);
    String target = r.string(config, "target", path, false);
    boolean requests = stage != Stage.AFTER_REQUEST;
    boolean answers = stage == Stage.AFTER_REQUEST;
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
    String value = r.string(config, "action", path, false);
    if (value == null) {
      return fallback;
    }
    return switch (value) {
      case "block" -> ScanGuardrail.Action.BLOCK;
      case "redact" -> ScanGuardrail.Action.REDACT;
      default -> {
        r.problem(NodeReader.join(path, "action"), "\"" + value + "\" is not an action (expected: block or redact)");
        yield fallback;
      }
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
