package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever surrounds a key of a known shape, or a known secret, the redacted text does not contain it. */
class RedactionPropertyTest {
  /** A key and how it appears in text (the key alone, or after the name or scheme that announces it). */
  record Quoted(String key, String text) {}

  @Property(tries = 2000)
  void noKeySurvives(@ForAll("surrounding") String before, @ForAll("quotedKeys") Quoted quoted,
      @ForAll("surrounding") String after) {
    String out = Redaction.redact(before + quoted.text() + after);
    assertThat(out).doesNotContain(quoted.key());
  }

  @Property(tries = 1000)
  void noKnownSecretSurvives(@ForAll("surrounding") String before, @ForAll("secrets") String secret,
      @ForAll("surrounding") String after) {
    assertThat(Redaction.redact(before + secret + after + secret, List.of(secret))).doesNotContain(secret);
  }

  @Provide
  Arbitrary<String> surrounding() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().alpha().numeric().ofMaxLength(40),
        Arbitraries.strings().withChars(" :=\"'/&?.-_\\{}[]<>@%\n\t").alpha().ofMaxLength(40),
        Arbitraries.of("Incorrect API key provided: ", "invalid x-api-key ", "Authorization: ", "key=", "Bearer ",
            "\"api_key\": \"", "https://user:", " ", "", "sk-", "eyJ", "AKIA"));
  }

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings().alpha().numeric().withChars("-_./+=").ofMinLength(8).ofMaxLength(60);
  }

  @Provide
  Arbitrary<Quoted> quotedKeys() {
    Arbitrary<String> tail = Arbitraries.strings().alpha().numeric().withChars("-_").ofMinLength(20).ofMaxLength(60);
    Arbitrary<String> base64url = Arbitraries.strings().alpha().numeric().withChars("-_").ofMinLength(10)
        .ofMaxLength(60);
    Arbitrary<String> upper = Arbitraries.strings().withCharRange('A', 'Z').numeric().ofLength(16);
    Arbitrary<String> token = Arbitraries.strings().alpha().numeric().withChars("-_.~+/=").ofMinLength(16)
        .ofMaxLength(80);
    Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(16).ofMaxLength(64);
    Arbitrary<Quoted> prefixed = Combinators.combine(Arbitraries.of("sk-", "sk-proj-", "sk-ant-api03-", "sk-svcacct-",
            "AIza", "xai-", "gsk_", "hf_", "ghp_", "gho_", "github_pat_11", "pplx-", "nvapi-", "csk-"), tail)
        .as((prefix, rest) -> alone(prefix + rest));
    Arbitrary<Quoted> aws = Combinators.combine(Arbitraries.of("AKIA", "ASIA"), upper).as((p, rest) -> alone(p + rest));
    Arbitrary<Quoted> jwt = Combinators.combine(base64url, base64url, base64url)
        .as((a, b, c) -> alone("eyJ" + a + "." + b + "." + c));
    Arbitrary<Quoted> bearer = Combinators.combine(Arbitraries.of("Bearer ", "bearer ", "Authorization: Bearer ",
            "\"Authorization\": \"Bearer "), token).as((scheme, t) -> new Quoted(t, scheme + t));
    Arbitrary<Quoted> pair = Combinators.combine(Arbitraries.of("api_key=", "key=", "token=", "secret=",
            "access_token=", "client_secret=", "password=", "x-api-key: ", "\"api_key\": \"", "Authorization: Basic ",
            "X-Goog-Api-Key: ", "api-key:"), Arbitraries.oneOf(hex, token))
        .as((name, value) -> new Quoted(value, name + value));
    Arbitrary<Quoted> userinfo = Arbitraries.strings().alpha().numeric().ofMinLength(8).ofMaxLength(30)
        .map(password -> new Quoted(password, "https://user:" + password + "@host.example/v1"));
    return Arbitraries.oneOf(prefixed, aws, jwt, bearer, pair, userinfo);
  }

  private static Quoted alone(String key) {
    return new Quoted(key, key);
  }
}
