package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Adversarial 100 KB inputs: every detector stays well under 200 ms (no catastrophic backtracking). */
class GuardrailsPerformanceTest {
  static final int SIZE = 100 * 1024;
  static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  static String fill(String unit) {
    StringBuilder b = new StringBuilder(SIZE + unit.length());
    while (b.length() < SIZE) {
      b.append(unit);
    }
    return b.substring(0, SIZE);
  }

  @Test
  void hundredKilobytesUnder200Millis() {
    Map<String, Detector> detectors = Map.of(
        "pii", new PiiDetector(EnumSet.allOf(PiiKind.class)),
        "secrets", new SecretScanner(),
        "shield", new PromptShield(0.5),
        "words", new WordFilter(List.of("alpha", "beta", "gamma delta"), false, true));
    List<String> inputs = List.of(
        fill("Lorem ipsum dolor sit amet, mail jane@example.com or 4111 1111 1111 1111. "),
        fill("1"), fill("1 "), fill("1-"), fill("1."), fill("a"), fill("a@"), fill("a."), fill(":"), fill("a:"),
        fill("sk-"), fill("-----BEGIN PRIVATE KEY-----\nAAAA"), fill("eyJ"), fill("eyJhbGci."), fill("api_key="),
        fill("ignore "), fill("ignore the previous "), fill("A"), fill("DE89 "), fill("+1 "), fill("### system: "));
    for (var d : detectors.entrySet()) {
      for (String input : inputs) {
        d.getValue().find(input); // warm-up: the JIT, not the regex, dominates a first run
        // This thread's CPU time, best of three: other processes on a loaded machine do not count, and
        // catastrophic backtracking is slow on every run.
        long ms = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
          long t0 = CPU.getCurrentThreadCpuTime();
          d.getValue().find(input);
          ms = Math.min(ms, (CPU.getCurrentThreadCpuTime() - t0) / 1_000_000);
        }
        assertThat(ms).as("%s on %s...", d.getKey(), input.substring(0, 20)).isLessThan(200);
      }
    }
  }
}
