package io.switchboard.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Why a YAML or JSON text does not parse, in our words: where (line and column) and what, never any of the
 * text itself. Jackson's and SnakeYAML's messages quote the offending line, a snippet or a token, which in a
 * config can be an API key; they also name parser classes. Their fixed phrases are kept, the rest replaced.
 */
public final class ParseProblem {
  /** Library phrases made only of words and token names such as {@code <block end>} or {@code ']'}. */
  private static final Pattern PLAIN = Pattern.compile(
      "[A-Za-z ,.\\-]*+(?:(?:'?<[a-z ]++>'?|'[^A-Za-z0-9\\s]')[A-Za-z ,.\\-]*+)*+");
  /** Phrases whose tail quotes the text: the phrase we say instead. */
  private static final List<String[]> REWORDED = List.of(
      new String[] {"found character", "found a character that cannot start any token"},
      new String[] {"expected escape sequence", "found an invalid escape sequence"},
      new String[] {"found unknown escape character", "found an unknown escape character"},
      new String[] {"expected alphabetic or numeric character", "expected a letter or digit in an anchor, alias or tag"},
      new String[] {"found undefined tag handle", "found an undefined tag handle"},
      new String[] {"expected URI", "found an invalid tag"},
      new String[] {"The incoming YAML document exceeds the limit", "the text is too large"},
      new String[] {"Unrecognized token", "found a value that is not a string, number, true, false or null"},
      new String[] {"Unexpected end-of-input", "the text ends inside a string, list or object"},
      new String[] {"Unexpected character", "found an unexpected character"},
      new String[] {"Unexpected close marker", "found a closing bracket that closes nothing"},
      new String[] {"Illegal unquoted character", "found a control character in a string"},
      new String[] {"Invalid UTF-8", "the text is not valid UTF-8"},
      new String[] {"Numeric value", "a number is out of range"},
      new String[] {"Document nesting depth", "the text is nested too deeply"},
      new String[] {"String value length", "a string is too long"},
      new String[] {"Expected a field name", "a key is a list or mapping (expected: a string)"},
      new String[] {"Failed to decode", "a !!binary value is not valid base64"},
      new String[] {"Illegal character", "a !!binary value is not valid base64"});

  private ParseProblem() {}

  /**
   * Where the text has a duplicate key ({@code providers[0].headers}; empty at the top level), or null when the
   * problem is another.
   */
  public static String duplicateAt(JsonProcessingException e) {
    if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
        && e.getProcessor() instanceof JsonParser parser && parser.getParsingContext() != null) {
      return path(parser.getParsingContext().getParent());
    }
    return null;
  }

  /**
   * "not valid {format} at line 3, column 9: found unexpected end of stream (...)", or "duplicate key "x" at
   * line 4, column 8 (...)" (see {@link #duplicateAt}).
   */
  public static String describe(JsonProcessingException e, String format) {
    if (duplicateAt(e) != null) {
      JsonParser parser = (JsonParser) e.getProcessor();
      return "duplicate key \"" + parser.getParsingContext().getCurrentName() + "\"" + at(e.getLocation())
          + " (expected: each key once)";
    }
    if (e.getCause() instanceof MarkedYAMLException yaml) {
      Mark mark = yaml.getProblemMark();
      String where = mark == null ? at(e.getLocation()) : " at line " + (mark.getLine() + 1) + ", column "
          + (mark.getColumn() + 1);
      String message = "not valid " + format + where + ": " + phrase(yaml.getProblem());
      Mark start = yaml.getContextMark();
      if (yaml.getContext() != null && PLAIN.matcher(yaml.getContext()).matches()) {
        message += " (" + yaml.getContext() + (start == null ? "" : " that starts at line " + (start.getLine() + 1)
            + ", column " + (start.getColumn() + 1)) + ")";
      }
      return message;
    }
    return "not valid " + format + at(e.getLocation()) + ": " + phrase(e.getOriginalMessage());
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1 ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** The library's phrase when it quotes nothing of the text, else ours. */
  static String phrase(String problem) {
    String line = problem == null ? "" : problem.lines().findFirst().orElse("").strip();
    for (String[] r : REWORDED) {
      if (line.startsWith(r[0])) {
        return r[1] + (r[0].equals("found character") && line.contains("(TAB)") ? " (do not indent with tabs)" : "");
      }
    }
    if (!line.isEmpty() && PLAIN.matcher(line).matches()) {
      return line.substring(0, 1).toLowerCase(Locale.ROOT) + line.substring(1);
    }
    int but = line.indexOf(", but ");
    if (but > 0 && PLAIN.matcher(line.substring(0, but)).matches()) {
      return line.substring(0, but);
    }
    return "a syntax error";
  }

  /** {@code providers[0].headers} for the context of a field. */
  private static String path(JsonStreamContext context) {
    StringBuilder out = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      String part = c.inArray() ? "[" + Math.max(c.getCurrentIndex(), 0) + "]"
          : c.getCurrentName() == null ? "" : c.getCurrentName();
      out.insert(0, out.length() > 0 && out.charAt(0) != '[' ? part + "." : part);
    }
    return out.toString();
  }
}
