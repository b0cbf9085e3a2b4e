package io.switchboard.plugin.guardrails;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials of common providers by their documented prefixes, plus JWTs and high-entropy values in
 * {@code api_key=...}-style assignments. Kinds name the credential, e.g. {@code OPENAI_API_KEY}.
 */
public final class SecretScanner implements Detector {
  /** One credential shape; {@code group} is the capture group holding the secret (0 = whole match). */
  private record Rule(String kind, String label, Pattern pattern, int group, Predicate<String> valid) {}

  private static final String EDGE = "(?<![A-Za-z0-9_-])";
  private static final String TAIL = "(?![A-Za-z0-9_-])";
  private static final String ASSIGN = "[\"']?\\s{0,3}[:=]{1,2}>?\\s{0,3}[\"']?";

  private static final List<Rule> RULES = List.of(
      rule("ANTHROPIC_API_KEY", "Anthropic API key", EDGE + "sk-ant-[A-Za-z0-9_-]{20,200}+" + TAIL, 0, SecretScanner::mixed),
      rule("OPENAI_API_KEY", "OpenAI API key",
          EDGE + "sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}+" + TAIL, 0, SecretScanner::mixed),
      rule("AWS_ACCESS_KEY_ID", "AWS access key id",
          "(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}(?![A-Z0-9])", 0, s -> true),
      rule("AWS_SECRET_ACCESS_KEY", "AWS secret access key",
          "(?i)aws_?secret_?(?:access_?)?key" + ASSIGN + "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])", 1, s -> true),
      rule("GITHUB_TOKEN", "GitHub token", EDGE + "(?:gh[pousr]_[A-Za-z0-9]{36,251}+|github_pat_[A-Za-z0-9_]{22,255}+)" + TAIL,
          0, s -> true),
      rule("GOOGLE_API_KEY", "Google API key", EDGE + "AIza[0-9A-Za-z_-]{35}" + TAIL, 0, s -> true),
      rule("SLACK_TOKEN", "Slack token", EDGE + "xox[baprs]-[A-Za-z0-9-]{10,250}+" + TAIL, 0, s -> true),
      rule("STRIPE_SECRET_KEY", "Stripe live key", EDGE + "(?:sk|rk)_live_[A-Za-z0-9]{24,247}+" + TAIL, 0, s -> true),
      rule("JWT", "JSON web token", EDGE + "eyJ[A-Za-z0-9_-]{8,4096}+\\.[A-Za-z0-9_-]{2,8192}+\\.[A-Za-z0-9_-]{0,4096}+" + TAIL,
          0, SecretScanner::jwtHeader));

  // A PEM block is found by pairing headers with END lines in one pass each, not by a lazy regex
  // that would rescan the text for every header.
  private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN ((?:[A-Z0-9]{1,10} ){0,3})PRIVATE KEY-----");
  private static final Pattern PEM_END = Pattern.compile("-----END ((?:[A-Z0-9]{1,10} ){0,3})PRIVATE KEY-----");
  private static final int PEM_MAX = 16 * 1024;

  private static final String GENERIC_NAME = "(?i)(?<![A-Za-z0-9])(?:api[_-]?key|apikey|secret[_-]?key|client[_-]?secret"
      + "|access[_-]?token|auth[_-]?token|bearer[_-]?token|secret|token|password|passwd)" + ASSIGN;
  private static final int GENERIC_MIN = 16;
  private static final int GENERIC_MAX = 256;
  private static final Rule GENERIC = rule("GENERIC_SECRET", "high-entropy credential",
      GENERIC_NAME + "([A-Za-z0-9_./+=~-]{" + GENERIC_MIN + "," + GENERIC_MAX + "}+)(?![A-Za-z0-9_./+=~-])",
      1, s -> entropy(s) >= 3.5);
  private static final Pattern GENERIC_KEY = Pattern.compile(GENERIC_NAME);

  private static Rule rule(String kind, String label, String regex, int group, Predicate<String> valid) {
    return new Rule(kind, label, Pattern.compile(regex), group, valid);
  }

  @Override
  public List<Finding> find(String text) {
    List<Finding> out = new ArrayList<>();
    for (Rule r : RULES) {
      collect(r, text, out);
    }
    privateKeys(text, out);
    // A generic assignment already covered by a provider rule adds nothing.
    List<Finding> generic = new ArrayList<>();
    generic(text, generic);
    for (Finding g : generic) {
      if (out.stream().noneMatch(f -> f.start() < g.end() && g.start() < f.end())) {
        out.add(g);
      }
    }
    out.sort(Comparator.comparingInt(Finding::start));
    return out;
  }

  /** The whole block when its END line follows (before any other BEGIN, within 16 KB), else the header. */
  private static void privateKeys(String text, List<Finding> out) {
    List<java.util.regex.MatchResult> begins = new ArrayList<>();
    Matcher b = PEM_BEGIN.matcher(text);
    while (b.find()) {
      begins.add(b.toMatchResult());
    }
    if (begins.isEmpty()) {
      return;
    }
    List<java.util.regex.MatchResult> ends = new ArrayList<>();
    Matcher e = PEM_END.matcher(text);
    while (e.find()) {
      ends.add(e.toMatchResult());
    }
    int j = 0;
    for (int i = 0; i < begins.size(); i++) {
      java.util.regex.MatchResult begin = begins.get(i);
      int limit = i + 1 < begins.size() ? begins.get(i + 1).start() : text.length();
      while (j < ends.size() && ends.get(j).start() < begin.end()) {
        j++;
      }
      int end = begin.end();
      if (j < ends.size() && ends.get(j).end() <= limit && ends.get(j).end() - begin.start() <= PEM_MAX
          && ends.get(j).group(1).equals(begin.group(1))) {
        end = ends.get(j).end();
      }
      out.add(new Finding("PRIVATE_KEY", begin.start(), end, "private key"));
    }
  }

  /**
   * The same matches as {@code collect(GENERIC, ...)} in linear time. The full pattern, tried at every
   * name, reads up to 256 value characters before its lookahead fails on a longer run, so
   * {@code api_key=api_key=...} cost 256 steps per name. Here a name whose value run is too long or too
   * short is skipped on one shared measure of the run: every position in a run shares its end.
   */
  static void generic(String text, List<Finding> out) {
    Matcher key = GENERIC_KEY.matcher(text).useTransparentBounds(true);
    Matcher full = GENERIC.pattern().matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    int runStart = -1;
    int runEnd = -1;
    while (key.find()) {
      int value = key.end();
      if (value < runStart || value > runEnd) {
        runStart = value;
        runEnd = value;
        while (runEnd < text.length() && secretChar(text.charAt(runEnd))) {
          runEnd++;
        }
      }
      // The pattern may also start the value at the second '=' of "==", one character earlier.
      int length = runEnd - value;
      if (length > GENERIC_MAX || length + 1 < GENERIC_MIN) {
        continue;
      }
      full.region(key.start(), text.length());
      if (!full.lookingAt()) {
        continue;
      }
      String secret = full.group(GENERIC.group());
      if (GENERIC.valid().test(secret)) {
        out.add(new Finding(GENERIC.kind(), full.start(GENERIC.group()), full.end(GENERIC.group()), GENERIC.label()));
      }
      // Like Matcher.find after a match: the next name starts after this value.
      key.region(full.end(), text.length());
    }
  }

  /** The plain pattern search that {@link #generic} must agree with, for tests. */
  static List<Finding> genericByPattern(String text) {
    List<Finding> out = new ArrayList<>();
    collect(GENERIC, text, out);
    return out;
  }

  private static boolean secretChar(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || "_./+=~-".indexOf(c) >= 0);
  }

  private static void collect(Rule r, String text, List<Finding> out) {
    Matcher m = r.pattern().matcher(text);
    while (m.find()) {
      String value = m.group(r.group());
      if (r.valid().test(value)) {
        out.add(new Finding(r.kind(), m.start(r.group()), m.end(r.group()), r.label()));
      }
    }
  }

  /** Random keys have several digits and letters; "sk-this-is-some-prose-text-1" does not pass. */
  static boolean mixed(String s) {
    int digits = 0;
    int letters = 0;
    for (int i = s.indexOf('-') + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      digits += Character.isDigit(c) ? 1 : 0;
      letters += Character.isLetter(c) ? 1 : 0;
    }
    return digits >= 3 && letters >= 3 && entropy(s) >= 3.5;
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    for (int n : counts) {
      h += term(n, s.length());
    }
    return h + term(other, s.length());
  }

  private static double term(int n, int total) {
    if (n == 0) {
      return 0;
    }
    double p = (double) n / total;
    return -p * Math.log(p) / Math.log(2);
  }

  static boolean jwtHeader(String token) {
    String header = token.substring(0, token.indexOf('.'));
    try {
      String json = new String(Base64.getUrlDecoder().decode(stripPadding(header)), StandardCharsets.UTF_8).strip();
      return json.startsWith("{") && json.endsWith("}") && (json.contains("\"alg\"") || json.contains("\"typ\""));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String stripPadding(String s) {
    // Base64url without padding: a length of 4n+1 can never be valid.
    return s.length() % 4 == 1 ? s.substring(0, s.length() - 1) : s;
  }
}
