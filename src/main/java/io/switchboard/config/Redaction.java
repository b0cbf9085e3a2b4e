package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text that leaves the gateway: upstream error messages (to the client and the log) and
 * config problems. Known secrets are masked wherever they appear; others by shape: providers' key prefixes,
 * AWS key ids, JWTs, bearer tokens, {@code api_key=...} / {@code Authorization: ...} pairs, URL passwords.
 * Recall over precision: an error message with a word masked by mistake costs little, a leaked key a lot.
 */
public final class Redaction {
  public static final String MASK = "<redacted>";

  // Linear time: every alternative starts with a literal and continues with bounded or possessive runs, and a
  // failed attempt gives up within a few characters, so no input makes the matcher rescan the text.
  /** What announces a value: a scheme ("Bearer "), a credential-named field or header ("api_key=", "x-api-key: "). */
  private static final Pattern ANNOUNCED = Pattern.compile("(?<scheme>(?i:bearer|basic)[ \\t]{1,4}+)"
      + "|(?i:authorization|api[-_]?key|access[-_]?token|refresh[-_]?token|auth[-_]?token|id[-_]?token"
      + "|session[-_]?token|security[-_]?token|client[-_]?secret|secret|password|passwd|token|key|signature"
      + "|credential)\\\\?[\"']?[ \\t]{0,3}+[:=][ \\t]{0,3}+\\\\?[\"']?");
  /** A URL's password: {@code scheme://user:<password>@host}, but for the placeholder of examples. */
  private static final Pattern USERINFO = Pattern.compile(
      "://[^/\\s:@]{0,256}+:(?!password@)([^/\\s@]{1,256}+)(?=@)");
  /** Keys by their shape. */
  private static final Pattern SHAPED = Pattern.compile(String.join("|",
      // OpenAI sk- and sk-proj-, Anthropic sk-ant-, xAI, Groq, Hugging Face, GitHub, Google, Perplexity, NVIDIA,
      // Cerebras, Replicate; masked forms (sk-proj-****abcd) too.
      "(?:sk-|sk_|xai-|gsk_|hf_|gh[pousr]_|github_pat_|AIza|pplx-|nvapi-|csk-|r8_)[A-Za-z0-9_\\-*.]{6,}+",
      "(?:AKIA|ASIA)[A-Z0-9]{16}+",
      "eyJ[A-Za-z0-9_\\-.]{8,}+"));
  /** Header names whose values are credentials; their values are masked as secrets. */
  private static final List<String> CREDENTIAL_NAME_PARTS = List.of(
      "auth", "key", "token", "secret", "cookie", "signature", "credential", "password", "session");
  private static final int MIN_SECRET = 4;

  private Redaction() {}

  /** {@code text} with every known secret and every key-shaped token masked; null stays null. */
  public static String redact(String text, Collection<String> secrets) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    if (!secrets.isEmpty()) {
      // Longest first: "Bearer <token>" before the token alone.
      List<String> ordered = secrets.stream().filter(s -> s != null && s.length() >= MIN_SECRET)
          .sorted(Comparator.comparingInt(String::length).reversed()).toList();
      for (String secret : ordered) {
        out = out.replace(secret, MASK);
      }
    }
    return mask(maskAnnounced(mask(out, USERINFO)), SHAPED);
  }

  /** Every match of {@code pattern} masked, or only its group 1 when it has one. */
  private static String mask(String text, Pattern pattern) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      return text;
    }
    int group = m.groupCount() == 1 ? 1 : 0;
    StringBuilder out = new StringBuilder(text.length());
    int last = 0;
    do {
      out.append(text, last, m.start(group)).append(MASK);
      last = m.end(group);
    } while (m.find());
    return out.append(text, last, text.length()).toString();
  }

  /**
   * The value after each announcement masked, up to the end of its run of value characters. The scan goes on
   * from the start of each value, not its end, so a value that runs into the next announcement ("key=token=x",
   * "Authorization: Basic x") cannot hide it; values inside one run share its end, which is found once.
   */
  private static String maskAnnounced(String text) {
    Matcher m = ANNOUNCED.matcher(text);
    StringBuilder out = null;
    int copied = 0;
    int runStart = -1;
    int runEnd = -1;
    while (m.find()) {
      int start = m.end();
      if (start < runStart || start >= runEnd) {
        runStart = start;
        runEnd = start;
        while (runEnd < text.length() && isValueChar(text.charAt(runEnd))) {
          runEnd++;
        }
      }
      boolean scheme = m.group("scheme") != null;
      // "Bearer token", "key: none" are words, not credentials; "Authorization: Bearer x" masks x, next round.
      if (start < copied || runEnd - start < (scheme ? 8 : 4) || !scheme && startsWithScheme(text, start)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, start).append(MASK);
      copied = runEnd;
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  private static boolean startsWithScheme(String text, int at) {
    for (String scheme : List.of("bearer", "basic")) {
      int after = at + scheme.length();
      if (text.regionMatches(true, at, scheme, 0, scheme.length()) && after < text.length()
          && (text.charAt(after) == ' ' || text.charAt(after) == '\t')) {
        return true;
      }
    }
    return false;
  }

  private static boolean isValueChar(char c) {
    return !Character.isWhitespace(c) && "\"'\\&,;<>(){}[]".indexOf(c) < 0;
  }

  /** Key-shaped tokens masked. */
  public static String redact(String text) {
    return redact(text, List.of());
  }

  /**
   * Only keys of a known shape and URL passwords masked, not values after names such as {@code key:}: for text
   * of our own, such as config problems ({@code targets[0].virtual_key: "main" names no provider}).
   */
  public static String redactKeys(String text) {
    return text == null || text.isEmpty() ? text : mask(mask(text, USERINFO), SHAPED);
  }

  /** Every string inside {@code node} redacted, in place; returns {@code node}. */
  public static <T extends JsonNode> T redactAll(T node, Collection<String> secrets) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual()) {
          String text = e.getValue().asText();
          String masked = redact(text, secrets);
          if (!masked.equals(text)) {
            e.setValue(TextNode.valueOf(masked));
          }
        } else {
          redactAll(e.getValue(), secrets);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, TextNode.valueOf(redact(array.get(i).asText(), secrets)));
        } else {
          redactAll(array.get(i), secrets);
        }
      }
    }
    return node;
  }

  /** Whether a header of this name carries a credential (Authorization, x-api-key, X-Amz-Security-Token, ...). */
  public static boolean isCredentialHeader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return CREDENTIAL_NAME_PARTS.stream().anyMatch(lower::contains);
  }
}
