package io.switchboard.config;

import static io.switchboard.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provider's {@code tls} block and {@code http2} flag: files read and checked at load time. */
class UpstreamTlsConfigTest {
  static final TestCertificates CERTS = TestCertificates.get();

  @TempDir
  Path dir;

  static String provider(String fields) {
    return """
        providers:
          - {key: local, provider: openai-compatible, base_url: "https://127.0.0.1:8443/v1", %s}
        """.formatted(fields);
  }

  static GatewayConfig.Provider load(String fields) {
    return ConfigLoader.parse(provider(fields), Map.of()).providers().getFirst();
  }

  @Test
  void withoutTlsOrHttp2TheProviderKeepsTheDefaults() {
    GatewayConfig.Provider p = load("api_key: k");
    assertThat(p.tls()).isSameAs(GatewayConfig.Tls.NONE);
    assertThat(p.http2()).isFalse();
  }

  @Test
  void caFileAndClientCertificateAreReadAtLoadTime() {
    GatewayConfig.Provider p = load("http2: true, tls: {ca_file: \"%s\", cert_file: \"%s\", key_file: \"%s\"}"
        .formatted(CERTS.serverCert(), CERTS.clientCert(), CERTS.clientKey()));
    assertThat(p.http2()).isTrue();
    assertThat(p.tls().trust()).isNotNull();
    assertThat(p.tls().certificateChain()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
    assertThat(p.tls().privateKey().value()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(p.tls().insecure()).isFalse();
    // The key never shows in the record's text, which a log line could print.
    assertThat(p.toString()).doesNotContain("PRIVATE KEY").doesNotContain(keyBody(CERTS.clientKey()));
  }

  @Test
  void aCertificateFileHoldingItsKeyNeedsNoKeyFile() {
    GatewayConfig.Tls tls = load("tls: {cert_file: \"%s\"}".formatted(CERTS.clientCombined())).tls();
    assertThat(tls.certificateChain()).doesNotContain("PRIVATE KEY");
    assertThat(tls.privateKey().value()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(tls.trust()).isNull();
  }

  @Test
  void insecureAloneIsASetting() {
    GatewayConfig.Tls tls = load("tls: {insecure: true}").tls();
    assertThat(tls.insecure()).isTrue();
    assertThat(tls.isNone()).isFalse();
  }

  @Test
  void fileProblemsNameTheField() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
    assertThat(problems(provider("tls: {ca_file: /no/such/ca.pem}"), Map.of()))
        .containsExactly("providers[0].tls.ca_file: no such file");
    assertThat(problems(provider("tls: {ca_file: \"%s\"}".formatted(text)), Map.of()))
        .containsExactly("providers[0].tls.ca_file: holds no certificate (expected: PEM, -----BEGIN CERTIFICATE----- "
            + "blocks)");
    assertThat(problems(provider("tls: {cert_file: \"%s\", key_file: \"%s\"}".formatted(CERTS.clientCert(), text)),
        Map.of())).containsExactly("providers[0].tls.key_file: holds no private key (expected: PEM, -----BEGIN "
            + "PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
    assertThat(problems(provider("tls: {cert_file: \"%s\"}".formatted(CERTS.clientCert())), Map.of()))
        .containsExactly("providers[0].tls.cert_file: holds no private key (expected: key_file, or the key in this "
            + "file as a PEM block)");
    assertThat(problems(provider("tls: {key_file: \"%s\"}".formatted(CERTS.clientKey())), Map.of()))
        .containsExactly("providers[0].tls.key_file: is given without cert_file (expected: both, for a client "
            + "certificate)");
  }

  @Test
  void aBrokenKeyIsReportedWithoutQuotingIt() throws Exception {
    String secret = "c2VjcmV0LWtleS1tYXRlcmlhbC1uZXZlci1sb2dnZWQ=";
    Path key = Files.writeString(dir.resolve("key.pem"),
        "-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----\n");
    assertThat(problems(provider("tls: {cert_file: \"%s\", key_file: \"%s\"}".formatted(CERTS.clientCert(), key)),
        Map.of())).containsExactly("providers[0].tls.key_file: the private key cannot be parsed (expected: an RSA "
            + "or EC key in PEM)")
        .allSatisfy(p -> assertThat(p).doesNotContain(secret));
    Path encrypted = Files.writeString(dir.resolve("enc.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + secret + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThat(problems(provider("tls: {cert_file: \"%s\", key_file: \"%s\"}".formatted(CERTS.clientCert(),
        encrypted)), Map.of())).containsExactly("providers[0].tls.key_file: holds an encrypted key (expected: an "
            + "unencrypted PEM key; key passwords are not supported)");
  }

  @Test
  void settingProblemsNameTheField() {
    assertThat(problems(provider("http2: sometimes, tls: {insecure: true, ca_file: \"%s\", verify: false}"
        .formatted(CERTS.serverCert())), Map.of())).containsExactlyInAnyOrder(
        "providers[0].http2: expected true or false, got \"sometimes\"",
        "providers[0].tls.verify: unknown field (expected one of: ca_file, cert_file, insecure, key_file)",
        "providers[0].tls.ca_file: cannot be given with insecure: true (insecure trusts every certificate)");
    assertThat(problems(provider("tls: [insecure]"), Map.of()))
        .containsExactly("providers[0].tls: expected an object, got a list");
    assertThat(problems("""
        providers:
          - {key: local, provider: openai-compatible, base_url: "http://127.0.0.1:8000/v1", tls: {insecure: true}}
        """, Map.of())).containsExactly("providers[0].tls: is given for an http base_url (expected: an https "
            + "base_url)");
  }

  @Test
  void liteLlmSslVerifyAndSslCertificateBecomeTheTlsBlock() {
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: private
            litellm_params: {model: hosted_vllm/llama, api_base: "https://vllm.internal/v1", ssl_verify: "%s",
              ssl_certificate: "%s"}
          - model_name: lab
            litellm_params: {model: hosted_vllm/llama, api_base: "https://lab.internal/v1", ssl_verify: false}
        """.formatted(CERTS.serverCert(), CERTS.clientCombined()), Map.of());
    GatewayConfig.Tls first = config.providers().get(0).tls();
    assertThat(first.trust()).isNotNull();
    assertThat(first.privateKey()).isNotNull();
    assertThat(config.providers().get(1).tls().insecure()).isTrue();

    assertThat(problems("""
        model_list:
          - model_name: private
            litellm_params: {model: hosted_vllm/llama, api_base: "https://vllm.internal/v1", ssl_verify: /no/ca.pem}
          - model_name: odd
            litellm_params: {model: hosted_vllm/llama, api_base: "https://vllm.internal/v1", ssl_verify: 3}
        """, Map.of())).containsExactlyInAnyOrder(
        "model_list[0].litellm_params.ssl_verify: no such file",
        "model_list[1].litellm_params.ssl_verify: expected true, false or a CA bundle's path, got 3");
  }

  private static String keyBody(Path key) {
    try {
      return Files.readString(key).lines().skip(1).findFirst().orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
