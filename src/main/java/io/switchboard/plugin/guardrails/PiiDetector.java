package io.switchboard.plugin.guardrails;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regex candidates, then a validity check (Luhn, IBAN mod-97, octet ranges, SSN rules) so that near
 * misses such as order numbers or version strings are not reported. Every pattern is bounded and
 * anchored by look-arounds, so scanning stays linear in practice.
 */
public final class PiiDetector implements Detector {
  private static final Pattern EMAIL = Pattern.compile(
      "(?<![\\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,8}[A-Za-z]{2,24}(?![\\w-])");
  private static final Pattern PHONE = Pattern.compile(
      "(?<![\\w.+-])(?:\\+\\d{8,15}(?!\\d)"
          + "|(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{1,4}(?:[ .-]\\d{1,4}){1,5})(?![.-]?\\d)(?!\\w)");
  private static final Pattern CARD = Pattern.compile("(?<![\\w-])(?<!\\d[ ])\\d(?:[ -]?\\d){12,18}(?![ -]?\\d)(?!\\w)");
  private static final Pattern IBAN = Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![a-z0-9])");
  private static final Pattern IPV4 = Pattern.compile("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?!\\.?\\w)");
  private static final Pattern IPV6 = Pattern.compile("(?<![\\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\\w:])");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
  private static final Pattern SSN = Pattern.compile("(?<![\\w-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\w-])");

  // Country code -> IBAN length (ISO 13616 registry, common countries).
  private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
      Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AT", 20), Map.entry("BE", 16), Map.entry("BG", 22),
      Map.entry("BH", 22), Map.entry("BR", 29), Map.entry("CH", 21), Map.entry("CY", 28), Map.entry("CZ", 24),
      Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("EE", 20), Map.entry("ES", 24), Map.entry("FI", 18),
      Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GI", 23), Map.entry("GL", 18),
      Map.entry("GR", 27), Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23),
      Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
      Map.entry("LB", 28), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21),
      Map.entry("MC", 27), Map.entry("MT", 31), Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("PL", 28),
      Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24),
      Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("TR", 26),
      Map.entry("UA", 29), Map.entry("VA", 22), Map.entry("XK", 20));

  private final Set<PiiKind> kinds;
  private final List<Pattern> custom;

  public PiiDetector(Set<PiiKind> kinds, List<Pattern> custom) {
    requireNonNull(kinds, "kinds");
    this.kinds = kinds.isEmpty() ? EnumSet.noneOf(PiiKind.class) : EnumSet.copyOf(kinds);
    this.custom = custom == null ? List.of() : List.copyOf(custom);
  }

  public PiiDetector(Set<PiiKind> kinds) {
    this(kinds, List.of());
  }

  @Override
  public List<Finding> find(String text) {
    List<Finding> out = new ArrayList<>();
    if (kinds.contains(PiiKind.EMAIL)) {
      scan(EMAIL, text, out, PiiKind.EMAIL, m -> true);
    }
    if (kinds.contains(PiiKind.CREDIT_CARD)) {
      scan(CARD, text, out, PiiKind.CREDIT_CARD, m -> luhn(digits(m.group())));
    }
    if (kinds.contains(PiiKind.PHONE)) {
      scan(PHONE, text, out, PiiKind.PHONE, m -> phone(m.group()));
    }
    if (kinds.contains(PiiKind.IBAN)) {
      Matcher m = IBAN.matcher(text);
      while (m.find()) {
        int end = ibanEnd(text, m.start(), m.end());
        if (end > 0) {
          out.add(new Finding(PiiKind.IBAN.name(), m.start(), end, "IBAN"));
        }
      }
    }
    if (kinds.contains(PiiKind.IP_ADDRESS)) {
      scan(IPV4, text, out, PiiKind.IP_ADDRESS, m -> ipv4(m.group()));
      scan(IPV6, text, out, PiiKind.IP_ADDRESS, m -> ipv6(m.group()));
    }
    if (kinds.contains(PiiKind.US_SSN)) {
      scan(SSN, text, out, PiiKind.US_SSN, m -> ssn(m.group(1), m.group(3), m.group(4)));
    }
    for (Pattern p : custom) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        if (m.end() > m.start()) {
          out.add(new Finding("CUSTOM", m.start(), m.end(), p.pattern()));
        }
      }
    }
    out.sort(Comparator.comparingInt(Finding::start));
    return out;
  }

  private static void scan(Pattern p, String text, List<Finding> out, PiiKind kind,
      java.util.function.Predicate<Matcher> valid) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      if (valid.test(m)) {
        out.add(new Finding(kind.name(), m.start(), m.end(), kind.name().toLowerCase(java.util.Locale.ROOT)));
      }
    }
  }

  static String digits(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        b.append(c);
      }
    }
    return b.toString();
  }

  static boolean luhn(String digits) {
    if (digits.length() < 13 || digits.length() > 19) {
      return false;
    }
    // Issuer prefixes 2-6 (Mastercard, Amex, Visa, Discover, ...) cut false positives on order numbers.
    char first = digits.charAt(0);
    if (first < '2' || first > '6') {
      return false;
    }
    int sum = 0;
    boolean dbl = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  /**
   * International numbers need a '+' and 8-15 digits; national ones must be formatted (separators or
   * an area code in parentheses) with 10-11 digits. Bare digit runs are order or card numbers, not phones.
   */
  static boolean phone(String s) {
    int n = digits(s).length();
    if (s.startsWith("+")) {
      return n >= 8 && n <= 15;
    }
    if (n < 10 || n > 11) {
      return false;
    }
    boolean dotted = s.indexOf('.') >= 0;
    if (dotted) {
      // 555.123.4567 is a phone; four dot groups look like an IP address or a version.
      return s.split("\\.", -1).length == 3 && s.indexOf(' ') < 0 && s.indexOf('-') < 0;
    }
    return s.indexOf(' ') >= 0 || s.indexOf('-') >= 0 || s.indexOf('(') >= 0;
  }

  /** End of a valid IBAN starting at {@code start}, trimmed to its country's length, or -1. */
  private static int ibanEnd(String text, int start, int end) {
    Integer len = IBAN_LENGTHS.get(text.substring(start, start + 2));
    if (len == null) {
      return -1;
    }
    StringBuilder compact = new StringBuilder(len);
    int i = start;
    for (; i < end && compact.length() < len; i++) {
      char c = text.charAt(i);
      if (c != ' ') {
        compact.append(c);
      }
    }
    if (compact.length() != len || (i < end && Character.isLetterOrDigit(text.charAt(i)) && text.charAt(i - 1) != ' ')) {
      return -1;
    }
    return mod97(compact.toString()) ? i : -1;
  }

  static boolean mod97(String iban) {
    String rearranged = iban.substring(4) + iban.substring(0, 4);
    StringBuilder num = new StringBuilder(rearranged.length() * 2);
    for (int i = 0; i < rearranged.length(); i++) {
      char c = rearranged.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        num.append(c - 'A' + 10);
      } else {
        num.append(c);
      }
    }
    return new BigInteger(num.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  /** Octets 0-255 without leading zeros. 1.2.3.4 counts: it is a valid address, whatever the author meant. */
  static boolean ipv4(String s) {
    for (String part : s.split("\\.")) {
      if (part.length() > 1 && part.charAt(0) == '0') {
        return false;
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Eight hex groups, or fewer with exactly one "::"; times like 12:30:45 have neither. */
  static boolean ipv6(String s) {
    int dc = s.indexOf("::");
    if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
      return false;
    }
    if (s.equals("::")) {
      return false;
    }
    if (dc < 0) {
      String[] groups = s.split(":", -1);
      return groups.length == 8 && allHex(groups);
    }
    String left = s.substring(0, dc);
    String right = s.substring(dc + 2);
    String[] l = left.isEmpty() ? new String[0] : left.split(":", -1);
    String[] r = right.isEmpty() ? new String[0] : right.split(":", -1);
    // "a::b" in prose is rare, but require some hex digit beside the "::" to skip C++ scope operators.
    return l.length + r.length >= 1 && l.length + r.length <= 7 && allHex(l) && allHex(r);
  }

  private static boolean allHex(String[] groups) {
    for (String g : groups) {
      if (!HEX_GROUP.matcher(g).matches()) {
        return false;
      }
    }
    return true;
  }

  /** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
  static boolean ssn(String area, String group, String serial) {
    return !area.equals("000") && !area.equals("666") && area.charAt(0) != '9'
        && !group.equals("00") && !serial.equals("0000");
  }
}
