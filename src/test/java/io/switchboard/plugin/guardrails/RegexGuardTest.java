package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RegexGuardTest {

  @Test
  void blocksMatchesUnlessInsideAnAllowMatch() {
    RegexGuard g = new RegexGuard(List.of(Pattern.compile("(?i)drop\\s+table")),
        List.of(Pattern.compile("`[^`]*`")));
    assertThat(g.blocks("please DROP TABLE users")).isTrue();
    assertThat(g.blocks("the docs mention `drop table` syntax")).isFalse();
    assertThat(g.blocks("select 1")).isFalse();
  }

  @Test
  void emptyMatchesAreIgnoredAndRedactionHidesTheMatch() {
    RegexGuard g = new RegexGuard(List.of(Pattern.compile("x*"), Pattern.compile("ticket-\\d+")));
    String text = "see ticket-42 and ticket-7";
    assertThat(g.find(text)).hasSize(2);
    assertThat(Redactor.redact(text, g.find(text))).isEqualTo("see [REDACTED:REGEX] and [REDACTED:REGEX]");
  }
}
