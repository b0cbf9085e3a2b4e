package io.switchboard.plugin.guardrails;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt-injection heuristics. Each rule has a weight in (0, 1); the score combines the rules that fired
 * as a noisy-OR, {@code 1 - prod(1 - w)}, so it stays in [0, 1] and one strong signal outweighs several
 * weak ones. A rule counts once however often it fires; findings report every hit.
 */
public final class PromptShield implements Detector {
  private record Rule(String name, double weight, Pattern pattern) {}

  private static final int CI = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final List<Rule> RULES = List.of(
      rule("ignore_instructions", 0.75,
          "\\b(?:ignore|disregard|forget|override|bypass|skip)\\b[^.\\n]{0,40}?\\b(?:previous|prior|above|earlier|preceding|all|any|your|the|system)\\b"
              + "[^.\\n]{0,30}?\\b(?:instructions?|prompts?|rules|directions|guidelines|directives|constraints)\\b"),
      rule("reveal_system_prompt", 0.6,
          "\\b(?:reveal|show|print|repeat|output|display|leak|dump|tell\\s+me|what\\s+(?:is|are|was|were))\\b[^.\\n]{0,40}?"
              + "\\b(?:your|the|its|this)\\s+(?:(?:full|entire|exact|whole)\\s+)?(?:system|initial|hidden|original|secret|developer)\\s+(?:prompt|instructions?|message)s?\\b"),
      rule("dan", 0.7, "\\b(?:act\\s+as|pretend\\s+to\\s+be|you\\s+are(?:\\s+now)?)\\s+(?:an?\\s+)?DAN\\b|\\bdo\\s+anything\\s+now\\b"),
      rule("you_are_now", 0.35, "\\byou\\s+are\\s+now\\b|\\bfrom\\s+now\\s+on,?\\s+you\\b|\\bnew\\s+instructions\\s*:"),
      rule("jailbreak_mode", 0.5,
          "\\b(?:developer|god|jailbreak|unrestricted|debug)\\s+mode\\b|\\bjailbr(?:eak|oken)\\b"
              + "|\\bwithout\\s+(?:any\\s+)?(?:restrictions|filters|censorship|limitations)\\b|\\bno\\s+(?:restrictions|filters|limitations)\\b"),
      rule("role_play", 0.55,
          "\\b(?:pretend|imagine|role-?play|let'?s\\s+play\\s+a\\s+game)\\b[^.\\n]{0,60}?"
              + "\\b(?:no\\s+rules|unrestricted|evil|unfiltered|not\\s+bound|without\\s+(?:any\\s+)?(?:rules|restrictions|limits|ethics))\\b"),
      rule("stay_in_character", 0.2, "\\bstay\\s+in\\s+character\\b|\\bnever\\s+break\\s+character\\b"),
      rule("chat_delimiter", 0.5,
          "<\\|(?:im_start|im_end|system|user|assistant|endoftext)\\|>|\\[/?INST\\]|<</?SYS>>"
              + "|(?m:^[ \\t]*#{2,}[ \\t]*(?:system|assistant|instructions?)[ \\t]*:)"));
  private static final Pattern BASE64 = Pattern.compile("(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40,8192}={0,2}(?![A-Za-z0-9+/=])");
  private static final Pattern INSTRUCTION_WORDS = Pattern.compile(
      "\\b(?:ignore|instructions?|system\\s+prompt|you\\s+are|disregard|jailbreak|pretend)\\b", CI);
  private static final double BASE64_WEIGHT = 0.6;
  private static final double MANY_DELIMITERS_WEIGHT = 0.3;
  private static final int MANY_DELIMITERS = 3;
  private static final int MAX_BASE64_CANDIDATES = 16;

  private static Rule rule(String name, double weight, String regex) {
    return new Rule(name, weight, Pattern.compile(regex, CI));
  }

  private final double threshold;

  public PromptShield(double threshold) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold: " + threshold + " (expected: 0 < threshold <= 1)");
    }
    this.threshold = threshold;
  }

  public double threshold() {
    return threshold;
  }

  public boolean flags(String text) {
    return score(text) >= threshold;
  }

  public double score(String text) {
    Set<String> fired = new HashSet<>();
    int delimiters = 0;
    for (Finding f : find(text)) {
      fired.add(f.label());
      if (f.label().equals("chat_delimiter")) {
        delimiters++;
      }
    }
    double keep = 1;
    for (Rule r : RULES) {
      if (fired.contains(r.name())) {
        keep *= 1 - r.weight();
      }
    }
    if (fired.contains("base64_instructions")) {
      keep *= 1 - BASE64_WEIGHT;
    }
    if (delimiters >= MANY_DELIMITERS) {
      keep *= 1 - MANY_DELIMITERS_WEIGHT;
    }
    return 1 - keep;
  }

  /** Every hit, kind {@code PROMPT_INJECTION}, label = rule name. */
  @Override
  public List<Finding> find(String text) {
    List<Finding> out = new ArrayList<>();
    for (Rule r : RULES) {
      Matcher m = r.pattern().matcher(text);
      while (m.find()) {
        out.add(new Finding("PROMPT_INJECTION", m.start(), m.end(), r.name()));
      }
    }
    Matcher m = BASE64.matcher(text);
    for (int seen = 0; seen < MAX_BASE64_CANDIDATES && m.find(); seen++) {
      if (hidesInstructions(m.group())) {
        out.add(new Finding("PROMPT_INJECTION", m.start(), m.end(), "base64_instructions"));
      }
    }
    out.sort(java.util.Comparator.comparingInt(Finding::start));
    return out;
  }

  /** A base64 blob that decodes to readable text containing instruction words. */
  private static boolean hidesInstructions(String blob) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(blob.length() % 4 == 0 ? blob : blob.substring(0, blob.length() - blob.length() % 4));
    } catch (IllegalArgumentException e) {
      return false;
    }
    int printable = 0;
    for (byte b : bytes) {
      if ((b >= 0x20 && b < 0x7f) || b == '\n' || b == '\r' || b == '\t') {
        printable++;
      }
    }
    if (bytes.length == 0 || printable < bytes.length * 0.9) {
      return false;
    }
    return INSTRUCTION_WORDS.matcher(new String(bytes, StandardCharsets.US_ASCII)).find();
  }
}
