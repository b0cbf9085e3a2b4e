package io.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ApiException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelIdsTest {
  @Test
  void ordinaryIdsStayAsTheyAre() {
    assertThat(ModelIds.pathSegment("gemini-2.0-flash")).isEqualTo("gemini-2.0-flash");
    assertThat(ModelIds.pathSegment("my_deployment.v2~1")).isEqualTo("my_deployment.v2~1");
  }

  @Test
  void everythingElseIsPercentEncodedAsUtf8() {
    assertThat(ModelIds.pathSegment("anthropic.claude-3-5-sonnet-20240620-v1:0"))
        .isEqualTo("anthropic.claude-3-5-sonnet-20240620-v1%3A0");
    assertThat(ModelIds.pathSegment("arn:aws:bedrock:us-east-1:123:inference-profile/us.meta.llama3"))
        .isEqualTo("arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.meta.llama3");
    assertThat(ModelIds.pathSegment("a b?c#d%2F")).isEqualTo("a%20b%3Fc%23d%252F");
    assertThat(ModelIds.pathSegment("modèle")).isEqualTo("mod%C3%A8le");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..%2Fadmin", "%2E%2E%2Fadmin", "http://evil.example/x", "//evil.example/x",
      "x?key=1", "@evil.example", "...", "a/b"})
  void noIdLeavesItsSegmentOrChangesTheHost(String model) {
    String base = "https://generativelanguage.googleapis.com/v1beta/models/";
    URI uri = URI.create(base + ModelIds.pathSegment(model) + ":generateContent").normalize();
    assertThat(uri.getHost()).isEqualTo("generativelanguage.googleapis.com");
    assertThat(uri.getRawQuery()).isNull();
    assertThat(uri.getRawFragment()).isNull();
    assertThat(uri.getRawPath()).startsWith("/v1beta/models/");
    assertThat(uri.getRawPath().substring("/v1beta/models/".length())).doesNotContain("/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "../../v1/admin", "a/../b", "a/./b", "models/..", "bad\nid", "tab\tid",
      "del\u007f"})
  void idsThatCannotNameAModelAreRefusedWith400(String model) {
    assertThatThrownBy(() -> ModelIds.pathSegment(model)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.param()).isEqualTo("model");
    });
  }

  @Test
  void overlongIdsAreRefused() {
    assertThatThrownBy(() -> ModelIds.check("m".repeat(ModelIds.MAX_LENGTH + 1))).isInstanceOf(ApiException.class);
    ModelIds.check("m".repeat(ModelIds.MAX_LENGTH));
  }
}
