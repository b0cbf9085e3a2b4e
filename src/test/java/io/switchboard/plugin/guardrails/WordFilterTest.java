package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordFilterTest {

  @Test
  void caseInsensitiveWholeWords() {
    WordFilter f = new WordFilter(List.of("darn", "heck"), false, true);
    assertThat(f.find("Darn it, HECK.")).extracting(Finding::label).containsExactly("Darn", "HECK");
    assertThat(f.find("darning the socks, checked")).isEmpty();
  }

  @Test
  void caseSensitiveSubstrings() {
    WordFilter f = new WordFilter(List.of("Secret"), true, false);
    assertThat(f.find("TopSecretPlan")).hasSize(1);
    assertThat(f.find("topsecret")).isEmpty();
  }

  @Test
  void wordsAreLiteralNotRegexAndLongestWins() {
    WordFilter f = new WordFilter(List.of("a.b", "bad", "bad word"), false, true);
    assertThat(f.find("axb")).isEmpty();
    assertThat(f.find("a.b")).hasSize(1);
    assertThat(f.find("a bad word here")).extracting(Finding::label).containsExactly("bad word");
  }

  @Test
  void unicodeWordBoundaries() {
    WordFilter f = new WordFilter(List.of("straße"), false, true);
    assertThat(f.find("STRASSE Straße")).hasSize(1);
    assertThat(f.find("Straßenbahn")).isEmpty();
  }

  @Test
  void redactionRemovesTheWord() {
    WordFilter f = new WordFilter(List.of("darn"), false, true);
    String text = "oh DARN, darn";
    assertThat(Redactor.redact(text, f.find(text))).isEqualTo("oh [REDACTED:WORD], [REDACTED:WORD]").doesNotContainIgnoringCase("darn");
  }

  @Test
  void emptyListFindsNothingAndBlankWordsAreRejected() {
    assertThat(new WordFilter(List.of(), false, true).find("anything")).isEmpty();
    assertThatThrownBy(() -> new WordFilter(List.of(" "), false, true)).hasMessageContaining("expected: not blank");
  }
}
