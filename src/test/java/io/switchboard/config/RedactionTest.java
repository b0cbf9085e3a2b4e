package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedactionTest {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();


  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Incorrect API key provided: sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWx, see docs | Incorrect API key provided: <redacted>, see docs",
      "invalid x-api-key: sk-ant-api03-AbCdEf1234567890_ghIJkl | invalid x-api-key: <redacted>",
      "key sk-proj-********************tGQA was revoked | key <redacted> was revoked",
      "API key not valid: AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW | API key not valid: <redacted>",
      "xai-AbCdEf1234567890GhIj and gsk_AbCdEf1234567890GhIj | <redacted> and <redacted>",
      "The security token AKIAIOSFODNN7EXAMPLE is invalid | The security token <redacted> is invalid",
      "temporary ASIAY34FZKBOKMUTVV7A expired | temporary <redacted> expired",
      "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dozjgNryP4J3jVmNHl0w | token <redacted>",
      "hf_AbCdEfGhIjKlMnOp ghp_AbCdEfGhIjKlMnOp github_pat_11ABCDEFG0123456789_abc | <redacted> <redacted> <redacted>",
      "sent Authorization: Bearer opaque.T0ken-Value_123 | sent Authorization: Bearer <redacted>",
      "got header 'authorization: Basic dXNlcjpwYXNzd29yZA==' | got header 'authorization: Basic <redacted>'",
      "GET /v1/models?api_key=0123456789abcdef0123&x=1 | GET /v1/models?api_key=<redacted>&x=1",
      "url ...?key=0123456789abcdef0123 | url ...?key=<redacted>",
      "{\"x-api-key\": \"0123456789abcdef\"} | {\"x-api-key\": \"<redacted>\"}",
      "client_secret=abcdEFGH1234 token=abcdEFGH1234 secret=abcdEFGH1234 | client_secret=<redacted> token=<redacted> secret=<redacted>",
      "redis://default:hunter2hunter2@cache:6379 | redis://default:<redacted>@cache:6379",
      "%22sk-proj-Ab3dEf6hIj9kLmN0pQrS%22 | %22<redacted>%22",
      "key=token=abcdEFGH1234 and Authorization: Authorization: Basic dXNlcjpwYXNz | key=<redacted> and Authorization: <redacted> Basic <redacted>",
      "model gpt-4o not found | model gpt-4o not found"})
  void masksEveryShape(String text, String redacted) {
    assertThat(Redaction.redact(text)).isEqualTo(redacted);
  }

  @Test
  void masksKnownSecretsLongestFirst() {
    assertThat(Redaction.redact("got Bearer plain-secret-4711 and plain-secret-4711 again",
        List.of("plain-secret-4711", "Bearer plain-secret-4711")))
        .isEqualTo("got <redacted> and <redacted> again");
    assertThat(Redaction.redact("abc", List.of("abc"))).as("too short to be a secret").isEqualTo("abc");
  }

  @Test
  void redactsEveryStringOfAnErrorBody() {
    ObjectNode body = Json.object();
    body.putObject("error").put("message", "key sk-proj-Ab3dEf6hIj9kLmN0pQrS")
        .putObject("innererror").putArray("quotes").add("secret-4711-value");
    Redaction.redactAll(body, List.of("secret-4711-value"));
    assertThat(body.toString()).doesNotContain("Ab3dEf6h").doesNotContain("4711")
        .isEqualTo("{\"error\":{\"message\":\"key <redacted>\",\"innererror\":{\"quotes\":[\"<redacted>\"]}}}");
  }

  /**
   * Texts that make a backtracking pattern rescan the input: each is masked in linear time. A quarter megabyte
   * takes milliseconds of CPU in linear time and minutes in quadratic time, so a 2 s bound on this thread's CPU
   * time (other processes on a loaded machine do not count) tells them apart.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sk-", "eyJ", "Bearer ", "api_key=", "key: ", "://a:", "AKIA", "a", "sk-a ", "://", "=",
      "token=\"", "AIza-", "bearer\t", "eyJa.", "github_pat_", "x"})
  void aHostileQuarterMegabyteIsMaskedInLinearTime(String unit) {
    String text = unit.repeat(250_000 / unit.length());
    Redaction.redact(text, List.of("secret-4711"));  // warm up the JIT
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = CPU.getCurrentThreadCpuTime();
      Redaction.redact(text, List.of("secret-4711"));
      best = Math.min(best, CPU.getCurrentThreadCpuTime() - start);
    }
    assertThat(best / 1_000_000).as("CPU ms for 250 KB of \"" + unit + "\"").isLessThan(2000);
  }
}
