package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Test keys are assembled from pieces so this file itself never holds a scannable credential. */
class SecretScannerTest {
  static final SecretScanner SCANNER = new SecretScanner();
  static final String RAND = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
  static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
      + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
      + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

  static List<String> kinds(String text) {
    return SCANNER.find(text).stream().map(Finding::kind).toList();
  }

  @ParameterizedTest
  @CsvSource({
      "sk-, OPENAI_API_KEY",
      "sk-proj-, OPENAI_API_KEY",
      "sk-ant-api03-, ANTHROPIC_API_KEY",
      "ghp_Zz99, GITHUB_TOKEN",
      "gho_Zz99, GITHUB_TOKEN",
      "github_pat_11AB_, GITHUB_TOKEN",
      "xoxb-1234-, SLACK_TOKEN",
      "sk_live_, STRIPE_SECRET_KEY",
      "rk_live_, STRIPE_SECRET_KEY"})
  void providerKeys(String prefix, String kind) {
    String key = prefix + RAND;
    String text = "key: " + key + " end";
    assertThat(kinds(text)).containsExactly(kind);
    assertThat(Redactor.redact(text, SCANNER.find(text))).isEqualTo("key: [REDACTED:" + kind + "] end");
  }

  @Test
  void awsAndGoogle() {
    String akid = "AKIA" + "IOSFODNN7EXAMPLE";
    String secret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY";
    String google = "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY";
    String text = "AWS_ACCESS_KEY_ID=" + akid + "\naws_secret_access_key = \"" + secret + "\"\ngoogle " + google;
    assertThat(kinds(text)).containsExactly("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GOOGLE_API_KEY");
    assertThat(Redactor.redact(text, SCANNER.find(text))).doesNotContain(akid, secret, google);
    assertThat(kinds("ASIA" + "Y34FZKBOKMUTVV7A")).containsExactly("AWS_ACCESS_KEY_ID");
  }

  @Test
  void privateKeyBlockIsRedactedWhole() {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA75b\nq8Zr2Lm9Xv4Tb7Nc==\n-----END RSA PRIVATE KEY-----";
    String text = "here:\n" + pem + "\nbye";
    assertThat(Redactor.redact(text, SCANNER.find(text))).isEqualTo("here:\n[REDACTED:PRIVATE_KEY]\nbye");
    assertThat(kinds("-----BEGIN OPENSSH PRIVATE KEY----- (truncated)")).containsExactly("PRIVATE_KEY");
    assertThat(kinds("-----BEGIN PUBLIC KEY-----")).isEmpty();
  }

  @Test
  void jwtNeedsAJsonHeader() {
    assertThat(kinds("Authorization: Bearer " + JWT)).contains("JWT");
    assertThat(kinds("eyJub3Rqc29uYXRhbGw.eyJhYmMiOjF9.c2ln")).isEmpty();
    assertThat(kinds("file.eyJfoo.bar")).isEmpty();
  }

  @Test
  void genericAssignmentsNeedHighEntropy() {
    assertThat(kinds("api_key=q8Zr2Lm9Xv4Tb7Nc1Kp6Wd3Y")).containsExactly("GENERIC_SECRET");
    assertThat(kinds("\"client_secret\": \"q8Zr2Lm9Xv4Tb7Nc1Kp6Wd3Y\"")).containsExactly("GENERIC_SECRET");
    assertThat(kinds("api_key=your_api_key_here_please")).isEmpty();
    assertThat(kinds("password=aaaaaaaaaaaaaaaaaaaa")).isEmpty();
    assertThat(kinds("token = changeme_changeme_changeme")).isEmpty();
    // A provider key in an assignment is reported once, under its provider.
    assertThat(kinds("OPENAI_API_KEY=sk-proj-" + RAND)).containsExactly("OPENAI_API_KEY");
  }

  @ParameterizedTest
  @ValueSource(strings = {"I use sk-learn for ML", "ask-me-anything-about-the-weather-today-please",
      "sk-this-is-just-some-prose-text-1", "desk-1234567890abcdefghij", "AKIA is a prefix", "ghp_short",
      "xoxb-", "sk_test_" + "Ab3dEf6hIj9kLm2nOp5qRs8t", "AKIAIOSFODNN7EXAMPLEXX"})
  void nearMisses(String text) {
    assertThat(kinds(text)).isEmpty();
  }

  @Test
  void redactionNeverLeavesAnySecret() {
    List<String> secrets = List.of("sk-proj-" + RAND, "sk-ant-api03-" + RAND, "ghp_" + RAND + "abcd", "AKIA" + "IOSFODNN7EXAMPLE",
        "sk_live_" + RAND, JWT, "xoxp-" + RAND);
    String text = String.join(" and ", secrets);
    String out = Redactor.redact(text, SCANNER.find(text));
    for (String s : secrets) {
      assertThat(out).doesNotContain(s).doesNotContain(s.substring(s.length() - 12));
    }
  }
  /**
   * The linear generic scan finds exactly what the plain pattern search finds, on random text made of
   * names, assignment operators and value runs of every length around the 16 and 256 limits.
   */
  @Test
  void genericScanAgreesWithThePattern() {
    String[] names = {"api_key", "API-KEY", "apikey", "token", "access_token", "secret_key", "secret", "password",
        "xapi_key", "_token", "passwd"};
    String[] ops = {"=", "==", ":=", ":", " = ", "=>", "\"=\"", "' : '", "=  ", "  :  \""};
    String[] gaps = {" ", "\n", ".", ",", "\"", "é", "a", "="};
    Random random = new Random(5);
    int found = 0;
    for (int round = 0; round < 3_000; round++) {
      StringBuilder b = new StringBuilder();
      int parts = 1 + random.nextInt(8);
      for (int p = 0; p < parts; p++) {
        b.append(names[random.nextInt(names.length)]).append(ops[random.nextInt(ops.length)]);
        int length = random.nextInt(4) == 0 ? 250 + random.nextInt(12) : 10 + random.nextInt(12);
        for (int i = 0; i < length; i++) {
          b.append(random.nextInt(20) == 0 ? '=' : RAND.charAt(random.nextInt(RAND.length())));
        }
        if (random.nextBoolean()) {
          b.append(gaps[random.nextInt(gaps.length)]);
        }
      }
      String text = b.toString();
      List<Finding> linear = new ArrayList<>();
      SecretScanner.generic(text, linear);
      assertThat(linear).as(text).isEqualTo(SecretScanner.genericByPattern(text));
      found += linear.size();
    }
    assertThat(found).as("the rounds exercise matches, not only misses").isGreaterThan(1_000);
  }
}
