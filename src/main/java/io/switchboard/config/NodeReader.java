package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a parsed config tree field by field and collects every problem with its path, so a bad config
 * is reported whole rather than one error per run. Readers return null (or a default) after recording
 * a problem; the caller never sees an exception.
 */
public final class NodeReader {
  private static final Pattern DURATION = Pattern.compile("^(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?$");
  /** Go's compound form, as the reference gateway writes durations: {@code 1h30m}, {@code 1m30.5s}. */
  private static final Pattern COMPOUND = Pattern.compile("^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+$");
  private static final Pattern COMPOUND_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final Pattern QUOTABLE = Pattern.compile("[A-Za-z0-9 ._-]*");
  private static final int MAX_QUOTED = 16;

  private final List<String> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private boolean awayFromSecrets;

  public List<String> problems() {
    return problems;
  }

  /**
   * Reading for {@code validate}, perhaps on a machine without the deployment's environment: what only the
   * environment lacks is a {@link #note}, not a problem.
   */
  void readAwayFromSecrets() {
    awayFromSecrets = true;
  }

  boolean awayFromSecrets() {
    return awayFromSecrets;
  }

  /** Something {@code validate} says but does not refuse. */
  void note(String path, String message) {
    notes.add(path + ": " + message);
  }

  List<String> notes() {
    return notes;
  }

  /** Records a problem once: two readers of one field (a kind's options and the loader) report it once. */
  public void problem(String path, String message) {
    String problem = path + ": " + message;
    if (!problems.contains(problem)) {
      problems.add(problem);
    }
  }

  /** Records every key of {@code node} not in {@code allowed}. */
  public void onlyKeys(JsonNode node, String path, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        problem(join(path, key), "unknown field (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
  }

  public boolean isObject(JsonNode node, String path) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return false;
    }
    if (!node.isObject()) {
      problem(path, "expected an object, got " + describe(node));
      return false;
    }
    return true;
  }

  public boolean isArray(JsonNode node, String path) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return false;
    }
    if (!node.isArray()) {
      problem(path, "expected a list, got " + describe(node));
      return false;
    }
    return true;
  }

  public String string(JsonNode parent, String field, String path, boolean required) {
    JsonNode node = parent.get(field);
    String at = join(path, field);
    if (node == null || node.isNull()) {
      if (required) {
        problem(at, "is required");
      }
      return null;
    }
    if (!node.isValueNode() || node.isBoolean()) {
      problem(at, "expected a string, got " + describe(node));
      return null;
    }
    String value = node.asText();
    if (required && value.isBlank()) {
      problem(at, "must not be empty");
      return null;
    }
    return value;
  }

  public Integer integer(JsonNode parent, String field, String path, Integer fallback, int min, int max) {
    JsonNode node = parent.get(field);
    String at = join(path, field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    Long value = null;
    if (node.isIntegralNumber()) {
      value = node.asLong();
    } else if (node.isTextual() && node.asText().trim().matches("-?\\d+")) {
      value = Long.parseLong(node.asText().trim());
    }
    if (value == null) {
      problem(at, "expected an integer, got " + describe(node));
      return fallback;
    }
    if (value < min || value > max) {
      problem(at, value + " is out of range (expected: " + min + " to " + max + ")");
      return fallback;
    }
    return value.intValue();
  }

  public Double number(JsonNode parent, String field, String path, Double fallback, double min) {
    JsonNode node = parent.get(field);
    String at = join(path, field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    double value;
    if (node.isNumber()) {
      value = node.asDouble();
    } else if (node.isTextual() && node.asText().trim().matches("-?\\d+(\\.\\d+)?")) {
      value = Double.parseDouble(node.asText().trim());
    } else {
      problem(at, "expected a number, got " + describe(node));
      return fallback;
    }
    if (value < min) {
      problem(at, value + " is out of range (expected: >= " + min + ")");
      return fallback;
    }
    return value;
  }

  public boolean bool(JsonNode parent, String field, String path, boolean fallback) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
      return Boolean.parseBoolean(node.asText());
    }
    problem(join(path, field), "expected true or false, got " + describe(node));
    return fallback;
  }

  /** A duration written as seconds ({@code 30}, {@code 1.5}) or with a unit ({@code 500ms}, {@code 30s}, {@code 2m}). */
  public Duration duration(JsonNode parent, String field, String path, Duration fallback) {
    JsonNode node = parent.get(field);
    String at = join(path, field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    String text = node.isValueNode() ? node.asText().trim() : "";
    Matcher m = DURATION.matcher(text);
    double millis;
    if (node.isValueNode() && m.matches()) {
      millis = millis(Double.parseDouble(m.group(1)), m.group(2) == null ? "s" : m.group(2));
    } else if (node.isValueNode() && COMPOUND.matcher(text).matches()) {
      millis = 0;
      for (Matcher part = COMPOUND_PART.matcher(text); part.find(); ) {
        millis += millis(Double.parseDouble(part.group(1)), part.group(2));
      }
    } else {
      problem(at, describe(node) + " is not a duration (expected: seconds, or a number with ms, s, m or h)");
      return fallback;
    }
    if (millis <= 0) {
      problem(at, "must be greater than zero");
      return fallback;
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private static double millis(double amount, String unit) {
    return switch (unit) {
      case "ms" -> amount;
      case "m" -> amount * 60_000;
      case "h" -> amount * 3_600_000;
      default -> amount * 1000;
    };
  }

  public List<String> stringList(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    String at = join(path, field);
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isTextual()) {
      out.add(node.asText());
      return out;
    }
    if (!node.isArray()) {
      problem(at, "expected a list of strings, got " + describe(node));
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual() || item.asText().isBlank()) {
        problem(at + "[" + i + "]", "expected a non-empty string, got " + describe(item));
      } else {
        out.add(item.asText());
      }
    }
    return out;
  }

  public Map<String, String> stringMap(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    String at = join(path, field);
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull() || !isObject(node, at)) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        problem(join(at, e.getKey()), "expected a string, got " + describe(e.getValue()));
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /** Why a file could not be read, in words rather than an exception's class or message: "no such file". */
  public static String cannotRead(Exception e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file";
      case AccessDeniedException x -> "permission denied";
      case InvalidPathException x -> "not a valid path";
      case CharacterCodingException x -> "not UTF-8 text";
      case FileSystemException x when x.getReason() != null -> x.getReason().toLowerCase(Locale.ROOT);
      case SecurityException x -> "permission denied";
      case IOException x when "Is a directory".equals(x.getMessage()) -> "is a directory";
      default -> "an I/O error";
    };
  }

  public static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /**
   * A value for a problem message: short plain words and numbers as written ({@code "soon"}, {@code 99}),
   * anything that could be a credential by its type only ({@code a string}), as could a value from the
   * environment or a key pasted into the wrong field.
   */
  public static String describe(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return quotable(node.asText()) ? "\"" + node.asText() + "\"" : "a string";
    }
    if (node.isNumber()) {
      return quotable(node.toString()) ? node.toString() : "a number";
    }
    return node.isBoolean() ? node.toString() : "a value";
  }

  /** A value by its type only: "a string", "a number", "true or false", "a list", "an object", "null". */
  public static String kind(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    return node.isObject() ? "an object" : node.isArray() ? "a list" : node.isTextual() ? "a string"
        : node.isNumber() ? "a number" : node.isBoolean() ? "true or false" : "a value";
  }

  /** Short, plain and unlike a key: a typo worth showing, not a secret. */
  static boolean quotable(String value) {
    if (value.length() > MAX_QUOTED || !QUOTABLE.matcher(value).matches()
        || !Redaction.redact(value).equals(value)) {
      return false;
    }
    boolean letters = value.chars().anyMatch(Character::isLetter);
    boolean digits = value.chars().anyMatch(Character::isDigit);
    return !(letters && digits && value.length() > 8);  // mixed letters and digits: a password, a token
  }
}
