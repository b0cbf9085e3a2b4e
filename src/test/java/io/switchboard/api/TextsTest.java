package io.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TextsTest {
  @Test
  void controlCharactersAreFound() {
    assertThat(Texts.firstControl("gpt-4o")).isEqualTo(-1);
    assertThat(Texts.firstControl("gpt-4o\n")).isEqualTo(6);
    assertThat(Texts.firstControl("a\u007fb")).isEqualTo(1);
    assertThat(Texts.firstControl("a\u0085b")).isEqualTo(1);
    assertThat(Texts.firstControl("modèle")).isEqualTo(-1);
  }

  @Test
  void excerptsAreBoundedAndSayHowLongTheWholeWas() {
    assertThat(Texts.excerpt("short", 10)).isEqualTo("short");
    assertThat(Texts.excerpt("x".repeat(1000), 10)).isEqualTo("xxxxxxxxxx... (1000 characters)");
    assertThat(Texts.excerpt("abcdefghi\uD83D\uDE00z", 10)).isEqualTo("abcdefghi... (12 characters)");
  }

  @Test
  void headerValuesAreEncodedOnlyWhenUnsafe() {
    assertThat(Texts.headerValue("gpt-4o")).isEqualTo("gpt-4o");
    assertThat(Texts.headerValue("modèle")).isEqualTo("mod%C3%A8le");
    assertThat(Texts.headerValue("a\r\nb%")).isEqualTo("a%0D%0Ab%25");
  }

  @Property(tries = 500)
  void anEncodedValueIsAlwaysHeaderSafe(@ForAll String any) {
    assertThat(Texts.isHeaderSafe(Texts.headerValue(any))).isTrue();
    assertThat(Texts.firstControl(Texts.printable(any))).isEqualTo(-1);
  }
}
