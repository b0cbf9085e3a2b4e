package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Config problems never print a value that could be a credential: not a variable's value, not a provider's
 * fields, not a key pasted into another field.
 */
class ConfigSecretsTest {
  static final String KEY = "sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWx";
  static final String PLAIN_SECRET = "Zq8rT2mW9xK4vN7p";  // of no known shape: only its origin keeps it out

  static String joined(List<String> problems) {
    return String.join("\n", problems);
  }

  @Test
  void aVariablesValueIsNeverPrinted() {
    Map<String, String> env = Map.of("PORT", PLAIN_SECRET, "VK", PLAIN_SECRET + "x", "URL", "ftp://" + PLAIN_SECRET,
        "TIMEOUT", PLAIN_SECRET, "OPENAI_BASE_URL", "localhost:" + PLAIN_SECRET);
    List<String> problems = problems("""
        server: {port: "${PORT}"}
        providers: [{key: a, provider: openai, api_key: k-4711, timeout: "${TIMEOUT}"},
                    {key: b, provider: openai-compatible, base_url: "${URL}"}, {key: c, provider: openai, api_key: k}]
        targets: [{virtual_key: "${VK}"}]
        """, env);
    assertThat(joined(problems)).doesNotContain(PLAIN_SECRET);
    assertThat(problems).contains(
        "server.port: expected an integer, got a string",
        "providers[0].timeout: a string is not a duration (expected: seconds, or a number with ms, s, m or h)",
        "providers[1].base_url: is not an http(s) URL with a host",
        "targets[0].virtual_key: \"${VK}\" names no provider (expected one of: a, b, c)");
  }

  @Test
  void aKeyPastedIntoAnotherFieldIsMasked() {
    List<String> problems = problems("""
        providers: [{key: a, provider: mock}]
        strategy: {mode: %s}
        state: {url: "redis://default:hunter2hunter2@cache:6379/", backend: redis-%s}
        """.formatted(KEY, KEY), Map.of());
    assertThat(joined(problems)).doesNotContain(KEY).doesNotContain("hunter2").contains("<redacted>");
  }

  @Test
  void aProvidersFieldsAreNeverQuoted() {
    List<String> problems = problems("""
        providers:
          - {key: "%s/x", provider: "%s", base_url: "ftp://%s"}
          - {key: b, provider: azure, api_key: k-4711, base_url: "https://%s?q", api_version: "%s"}
          - {key: c, provider: bedrock, region: "%s", api_key: k-4711}
          - {key: d, provider: vertex-ai, project: "%s!", credentials: "%s"}
        """.formatted(PLAIN_SECRET, PLAIN_SECRET, PLAIN_SECRET, PLAIN_SECRET, PLAIN_SECRET, PLAIN_SECRET,
        PLAIN_SECRET, PLAIN_SECRET), Map.of());
    assertThat(joined(problems)).doesNotContain(PLAIN_SECRET);
    assertThat(problems).contains(
        "providers[0].key: is not a valid key (expected: letters, digits, '_', '.', '-')",
        "providers[1].base_url: must not have a query or fragment",
        "providers[2].region: is not an AWS region name (expected: e.g. us-east-1)",
        "providers[3].credentials: names a service-account file that cannot be read (no such file)");
  }
}
