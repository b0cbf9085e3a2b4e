package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.plugin.guardrails.MaxTokenGuard.Limits;
import io.switchboard.plugin.guardrails.MaxTokenGuard.Usage;
import org.junit.jupiter.api.Test;

class MaxTokenGuardTest {
  final MaxTokenGuard guard = new MaxTokenGuard(new Limits(1000, 5, 2000));

  @Test
  void withinLimitsPasses() {
    assertThat(guard.check(new Usage(1000, null, 5, 2000))).isEmpty();
    assertThat(guard.check(new Usage(null, null, 1, 0))).isEmpty();
  }

  @Test
  void reportsTheFirstViolation() {
    assertThat(guard.check(new Usage(1001, null, 99, 99999))).hasValue("max_tokens 1001 exceeds limit of 1000");
    assertThat(guard.check(new Usage(null, 4096, 1, 1))).hasValue("max_completion_tokens 4096 exceeds limit of 1000");
    assertThat(guard.check(new Usage(10, 10, 6, 1))).hasValue("message count 6 exceeds limit of 5");
    assertThat(guard.check(new Usage(10, 10, 1, 2001))).hasValue("total input length 2001 exceeds limit of 2000");
  }

  @Test
  void nullLimitsAreUnlimitedAndNonPositiveLimitsAreRejected() {
    assertThat(new MaxTokenGuard(new Limits(null, null, null)).check(new Usage(1 << 30, 1 << 30, 1 << 20, 1L << 40))).isEmpty();
    assertThatThrownBy(() -> new Limits(0, null, null)).hasMessage("max_tokens: 0 (expected: > 0)");
    assertThatThrownBy(() -> new Limits(null, -1, null)).hasMessage("max_messages: -1 (expected: > 0)");
  }
}
