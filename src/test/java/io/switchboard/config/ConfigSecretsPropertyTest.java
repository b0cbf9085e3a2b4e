package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.switchboard.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Configs with a secret spliced in anywhere (valid ones, and ones it breaks), loaded from a file as {@code
 * switchboard validate} does: each loads or is refused with a {@link ConfigException}, never another exception,
 * and neither a problem nor a logged warning contains the secret.
 */
class ConfigSecretsPropertyTest {
  static final Path DIR = Path.of("target", "config-secrets-property");
  static final Map<String, String> ENV = Map.of("OPENAI_KEY", "env-openai-key-4711", "REGION", "us-east-1");

  static final String NATIVE = """
      server: {port: 8080, host: 127.0.0.1, max_body_bytes: 65536}
      request_timeout: 30s
      providers:
        - key: openai
          provider: openai
          api_key: ${OPENAI_KEY}
          base_url: https://api.openai.com/v1
          headers: {X-Team: search, OpenAI-Organization: org-4711}
          timeout: 20s
          models: [gpt-4o-mini]
        - key: azure
          provider: azure
          api_key: azure-key-4711
          base_url: https://myresource.openai.azure.com
          api_version: 2024-10-21
        - key: aws
          provider: bedrock
          region: ${REGION:-us-east-1}
          aws_access_key_id: AKIDEXAMPLE
          aws_secret_access_key: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY
        - key: groq
          provider: groq
          api_key: groq-key-4711
      strategy:
        mode: conditional
        conditions:
          - query: {model: {$in: [gpt-4o, gpt-4o-mini]}, metadata.tier: {$eq: pro}}
            then: openai
        default: [azure, aws]
      targets:
        - virtual_key: openai
          weight: 2
          retry: {attempts: 3, on_status_codes: [429, 500], initial_backoff_ms: 100, max_backoff_ms: 1000}
          model_map: {gpt-4o: gpt-4o-2024-08-06}
          circuit_breaker: {failure_threshold: 5, timeout: 30s}
        - {virtual_key: azure, timeout: 10s, concurrency: {max_concurrency: 10, queue_size: 5}}
        - {virtual_key: aws}
        - {virtual_key: groq}
      aliases: {fast: gpt-4o-mini}
      context_window_fallback: aws
      state: {backend: memory}
      compatibility: {on_unsupported_param: warn}
      plugins:
        - {name: rate-limit, config: {scope: key, requests_per_second: 5, burst: 10}}
        - {name: word-filter, config: {words: [forbidden, banned]}}
      """;
  static final String JSON = """
      {"server": {"port": 8080},
       "providers": [{"key": "openai", "provider": "openai", "api_key": "${OPENAI_KEY}", "headers": {"X-Team": "a"},
                      "timeout": "20s"},
                     {"key": "claude", "provider": "anthropic", "api_key": "anthropic-key-4711"}],
       "strategy": {"mode": "fallback"},
       "targets": [{"virtual_key": "openai", "retry": {"attempts": 2}}, {"virtual_key": "claude"}]}
      """;
  static final String LITELLM = """
      model_list:
        - model_name: gpt-4o
          litellm_params:
            model: openai/gpt-4o
            api_key: os.environ/OPENAI_KEY
            extra_headers: {X-Team: search}
            timeout: 30
            max_retries: 2
        - model_name: claude
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: anthropic-key-4711, rpm: 100}
        - model_name: local
          litellm_params: {model: hosted_vllm/llama, api_base: "http://127.0.0.1:8000/v1"}
      router_settings:
        routing_strategy: simple-shuffle
        num_retries: 1
        fallbacks: [{gpt-4o: [claude]}]
      litellm_settings: {drop_params: true, request_timeout: 60}
      general_settings: {master_key: sk-1234}
      """;
  static final List<String> DOCUMENTS = List.of(NATIVE, JSON, LITELLM);
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.${}/:-]+");

  /** Where to splice: at a character index, or in place of the n-th word (a value, most often a valid one). */
  record Splice(String document, int at, boolean replaceWord) {
    String with(String secret) {
      if (replaceWord) {
        List<int[]> words = WORD.matcher(document).results().map(r -> new int[] {r.start(), r.end()}).toList();
        int[] word = words.get(at % words.size());
        return document.substring(0, word[0]) + secret + document.substring(word[1]);
      }
      int i = at % (document.length() + 1);
      return document.substring(0, i) + secret + document.substring(i);
    }
  }

  @Example
  void theDocumentsAreValid() throws IOException {
    for (String document : DOCUMENTS) {
      Path file = write(document);
      ConfigLoader.load(file, ENV);
      Files.delete(file);
    }
  }

  @Property(tries = 500)
  void aSplicedKeyIsNeverPrinted(@ForAll("splices") Splice splice, @ForAll("keys") String key) throws IOException {
    assertNeverPrinted(splice.with(key), ENV, key);
  }

  @Property(tries = 500)
  void aVariablesValueIsNeverPrinted(@ForAll("splices") Splice splice, @ForAll("values") String value)
      throws IOException {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("SECRET", value);
    assertNeverPrinted(splice.with("${SECRET}"), env, value);
  }

  static void assertNeverPrinted(String text, Map<String, String> env, String secret) throws IOException {
    Path file = write(text);
    try (LogCapture log = LogCapture.of(ConfigLoader.class)) {
      try {
        ConfigLoader.load(file, env);
      } catch (ConfigException e) {
        assertThat(e.problems()).as("problems of:\n%s", text).isNotEmpty()
            .allSatisfy(p -> assertThat(p).doesNotContain(secret));
        assertThat(e.getMessage()).doesNotContain(secret);
      }
      String logged = log.events().stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
      assertThat(logged).as("warnings for:\n%s", text).doesNotContain(secret);
    } finally {
      Files.delete(file);
    }
  }

  static Path write(String text) throws IOException {
    Files.createDirectories(DIR);
    return Files.writeString(Files.createTempFile(DIR, "config", ".yaml"), text);
  }

  @Provide
  Arbitrary<Splice> splices() {
    return Combinators.combine(Arbitraries.of(DOCUMENTS), Arbitraries.integers().between(0, 5000),
        Arbitraries.of(true, false)).as(Splice::new);
  }

  /** Secret-looking strings: keys of the providers' shapes. */
  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> tail = Arbitraries.strings().alpha().numeric().withChars("-_").ofMinLength(16).ofMaxLength(48);
    return Combinators.combine(Arbitraries.of("sk-", "sk-proj-", "sk-ant-api03-", "AIza", "xai-", "gsk_", "hf_",
        "ghp_", "github_pat_"), tail).as(String::concat);
  }

  /**
   * Anything a credential in a variable may be, line breaks and YAML's special characters included: at least 8
   * characters besides spaces (shorter values are kept out of problems only where quoted whole).
   */
  @Provide
  Arbitrary<String> values() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().ofMinLength(12).ofMaxLength(40),
        Arbitraries.strings().alpha().numeric().withChars("-_./+=:@#&*!|>'\"%`,[]{} ").ofMinLength(12).ofMaxLength(40),
        Arbitraries.strings().alpha().numeric().withChars("\n\r\t\u0000").ofMinLength(12).ofMaxLength(40))
        .filter(v -> v.strip().length() >= 8);
  }

  @Example
  void spliceReplacesAWordOrInserts() {
    Splice word = new Splice("a: bc\n", 1, true);
    assertThat(word.with("X")).isEqualTo("a: X\n");
    assertThat(new Splice("a: bc\n", 2, false).with("X")).isEqualTo("a:X bc\n");
    Matcher m = WORD.matcher(NATIVE);
    assertThat(m.find()).isTrue();
  }
}
