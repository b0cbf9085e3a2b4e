package io.switchboard.plugin.guardrails;

import static io.switchboard.plugin.guardrails.Guardrails.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every config problem names its field, Armeria style; valid configs load without problems. */
class GuardrailConfigTest {
  @Test
  void wordFilter() {
    assertThat(problems("word-filter", "before_request", "{}"))
        .containsExactly("plugins[0].config.words: is required (expected: a list of words or phrases, as words or"
            + " blocked_words)");
    assertThat(problems("word-filter", "before_request", "words: []"))
        .containsExactly("plugins[0].config.words: is empty (expected: at least one word)");
    assertThat(problems("word-filter", "before_request", "{words: [ok, ''], case_sensitive: yes please, action: warn, colour: red}"))
        .containsExactlyInAnyOrder(
            "plugins[0].config.colour: unknown field (expected one of: action, blocked_words, case_sensitive, stream_window,"
                + " whole_words, words)",
            "plugins[0].config.words[1]: expected a non-empty string, got \"\"",
            "plugins[0].config.case_sensitive: expected true or false, got \"yes please\"",
            "plugins[0].config.action: \"warn\" is not an action of this guardrail (expected one of: block, redact)");
    assertThat(problems("word-filter", "after_request", "{words: [darn], case_sensitive: true, whole_words: false, action: redact}"))
        .isEmpty();
  }

  @Test
  void maxToken() {
    assertThat(problems("max-token", "before_request", "{}"))
        .containsExactly("plugins[0].config: sets no limit (expected: at least one of max_tokens, max_messages,"
            + " max_input_length above 0; 0 means no limit)");
    assertThat(problems("max-token", "before_request", "{max_tokens: -1, max_messages: many}"))
        .containsExactlyInAnyOrder("plugins[0].config.max_tokens: -1 is out of range (expected: 0 to 2147483647)",
            "plugins[0].config.max_messages: expected an integer, got \"many\"");
    assertThat(problems("max-token", "after_request", "{max_tokens: 10}"))
        .containsExactly("plugins[0].stage: plugin max-token cannot run at after_request (expected: before_request)");
    assertThat(problems("max-token", "before_request", "{max_tokens: 4096, max_messages: 50, max_input_length: 100000}"))
        .isEmpty();
  }

  @Test
  void piiRedact() {
    assertThat(problems("pii-redact", "before_request",
        "{kinds: [email, passport], custom_patterns: {order_id: 'ORD-(\\d+', employee: 'EMP-\\d{6}'}, responses: maybe, action: hide}"))
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).startsWith("plugins[0].config.kinds[1]: \"passport\" is not a PII kind (expected one of: email, phone"))
        .anySatisfy(p -> assertThat(p).startsWith("plugins[0].config.custom_patterns.order_id: \"ORD-(\\d+\" is not a valid regular expression: ")
            .endsWith("(expected: a Java regex)"))
        .contains("plugins[0].config.responses: expected true or false, got \"maybe\"",
            "plugins[0].config.action: \"hide\" is not an action of this guardrail (expected one of: block, redact, log)");
    assertThat(problems("pii-redact", "before_request", "{kinds: []}"))
        .containsExactly("plugins[0].config.kinds: is empty and there are no custom_patterns (expected: something to find)");
    assertThat(problems("pii-redact", "before_request", "{}")).isEmpty();
    assertThat(problems("pii-redact", "after_request",
        "{kinds: [email, phone, credit_card, iban, ssn, national_id, ip], custom_patterns: {emp: 'EMP-\\d{6}'}, action: block, stream_window: 64}"))
        .isEmpty();
    assertThat(problems("pii-redact", "before_request", "{stream_window: 2}"))
        .containsExactly("plugins[0].config.stream_window: 2 is out of range (expected: 16 to 65536)");
  }

  @Test
  void secretScanAndPromptShield() {
    assertThat(problems("secret-scan", "before_request", "{action: allow}"))
        .containsExactly("plugins[0].config.action: \"allow\" is not an action of this guardrail (expected one of:"
            + " block, redact, warn, log)");
    assertThat(problems("secret-scan", "after_request", "{action: redact}")).isEmpty();
    assertThat(problems("prompt-shield", "before_request", "{threshold: 1.5, action: redact}"))
        .containsExactlyInAnyOrder("plugins[0].config.threshold: 1.5 is out of range (expected: > 0 and <= 1)",
            "plugins[0].config.action: \"redact\" is not an action of this guardrail (expected: block)");
    assertThat(problems("prompt-shield", "before_request", "{threshold: 0}"))
        .containsExactly("plugins[0].config.threshold: 0.0 is out of range (expected: > 0 and <= 1)");
    assertThat(problems("prompt-shield", "before_request", "{threshold: 0.7, action: block}")).isEmpty();
  }

  @Test
  void schemaGuard(@TempDir Path dir) throws Exception {
    assertThat(problems("schema-guard", "after_request", "{}"))
        .containsExactly("plugins[0].config: has no schema (expected: schema or schema_file)");
    assertThat(problems("schema-guard", "after_request", "{schema: {type: object}, schema_file: x.json}"))
        .containsExactly("plugins[0].config: sets both schema and schema_file (expected: one of them)");
    assertThat(problems("schema-guard", "after_request", "{schema: just text}"))
        .containsExactly("plugins[0].config.schema: expected a JSON schema object, got \"just text\"");
    assertThat(problems("schema-guard", "after_request", "{schema_file: " + dir.resolve("missing.json") + "}"))
        .singleElement().asString().startsWith("plugins[0].config.schema_file: \"" + dir.resolve("missing.json")
            + "\" cannot be read as JSON: ");
    assertThat(problems("schema-guard", "after_request", "{schema: {type: 12}}"))
        .singleElement().asString().startsWith("plugins[0].config.schema: is not a valid JSON schema");
    assertThat(problems("schema-guard", "before_request", "{schema: {type: object}}"))
        .containsExactly("plugins[0].stage: plugin schema-guard cannot run at before_request (expected: after_request)");
    Path file = Files.writeString(dir.resolve("answer.json"), "{\"type\":\"object\",\"required\":[\"name\"]}");
    assertThat(problems("schema-guard", "after_request", "{schema_file: " + file + ", action: block}")).isEmpty();
    assertThat(problems("schema-guard", "after_request", "{schema: {type: object}, action: redact}"))
        .containsExactly("plugins[0].config.action: \"redact\" is not an action of this guardrail (expected: block)");
  }

  @Test
  void regexGuard() {
    assertThat(problems("regex-guard", "before_request", "{}"))
        .containsExactly("plugins[0].config.patterns: is required (expected: a list of regexes, or names mapped to regexes;"
            + " or Ferro's rules)");
    assertThat(problems("regex-guard", "before_request", "{patterns: ['ok', '[unclosed'], target: sideways}"))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("plugins[0].config.patterns[1]: \"[unclosed\" is not a valid regular expression"))
        .contains("plugins[0].config.target: \"sideways\" is not a target (expected one of: request, response, both)");
    assertThat(problems("regex-guard", "after_request", "{patterns: {ticket: 'TICKET-\\d+'}, target: both}"))
        .containsExactly("plugins[0].config.target: \"both\" cannot be checked at after_request (expected: response, or stage before_request)");
    assertThat(problems("regex-guard", "before_request", "{patterns: {ticket: 'TICKET-\\d+'}, target: both, action: redact}"))
        .isEmpty();
  }
}
