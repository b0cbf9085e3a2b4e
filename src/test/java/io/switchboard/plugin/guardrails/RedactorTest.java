package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void replacesEachSpanWithItsKind() {
    String text = "mail a@b.io or call 555";
    List<Finding> f = List.of(new Finding("email", 5, 11, "e"), new Finding("PHONE", 20, 23, "p"));
    assertThat(Redactor.redact(text, f)).isEqualTo("mail [REDACTED:EMAIL] or call [REDACTED:PHONE]");
  }

  @Test
  void mergesOverlappingAndNestedSpansInAnyOrder() {
    String text = "0123456789abcdef";
    List<Finding> f = List.of(new Finding("B", 6, 12, "b"), new Finding("A", 2, 8, "a"), new Finding("C", 3, 4, "c"));
    assertThat(Redactor.redact(text, f)).isEqualTo("01[REDACTED:A]cdef");
  }

  @Test
  void noFindingsLeavesTextUntouched() {
    assertThat(Redactor.redact("hello", List.of())).isEqualTo("hello");
  }

  @Test
  void rejectsSpansOutsideTheText() {
    assertThatThrownBy(() -> Redactor.redact("abc", List.of(new Finding("X", 1, 9, "x"))))
        .hasMessageContaining("finding end: 9 (expected: <= 3)");
    assertThatThrownBy(() -> new Finding("X", 3, 3, "x")).hasMessageContaining("expected: 0 <= start < end");
  }
}
