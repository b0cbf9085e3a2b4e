package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SigV4SignerTest {
  // The AWS SigV4 test suite's credentials and time (aws-sig-v4-test-suite, "post-vanilla").
  static final Secret AKID = new Secret("AKIDEXAMPLE");
  static final Secret SECRET = new Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  static final Clock SUITE_TIME = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

  @Test
  void independentSignatureReproducesTheAwsTestSuitePostVanilla() throws Exception {
    // Checks the oracle below against the published vector, so that it can judge the library's output.
    assertThat(signature("POST", "/", Map.of("host", "example.amazonaws.com", "x-amz-date", "20150830T123600Z"),
        new byte[0], "us-east-1", "service"))
        .isEqualTo("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  }

  @Test
  void signsTheSuiteRequestAsTheIndependentSignatureSays() throws Exception {
    SigV4Signer signer = new SigV4Signer(AKID, SECRET, null, "service", "us-east-1", SUITE_TIME);

    Map<String, String> added = signer.sign(URI.create("https://example.amazonaws.com/"), Map.of(), new byte[0]);

    // The SDK signer also sends and signs the payload hash, which SigV4 allows for any service.
    String emptyHash = hex(sha256(new byte[0]));
    assertThat(added).containsEntry("X-Amz-Date", "20150830T123600Z")
        .containsEntry("x-amz-content-sha256", emptyHash);
    assertThat(added.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 "
        + "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + signature("POST", "/",
            Map.of("host", "example.amazonaws.com", "x-amz-content-sha256", emptyHash,
                "x-amz-date", "20150830T123600Z"), new byte[0], "us-east-1", "service"));
    assertThat(added).doesNotContainKey("Host").doesNotContainKey("X-Amz-Security-Token");
  }

  @Test
  void bedrockPathIsSignedDoubleEncodedAsAwsServicesOtherThanS3Expect() throws Exception {
    SigV4Signer signer = new SigV4Signer(AKID, SECRET, null, SigV4Signer.BEDROCK, "us-west-2", SUITE_TIME);
    String path = BedrockPaths.converse("anthropic.claude-3-5-sonnet-20240620-v1:0", false);
    assertThat(path).isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
    byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");

    Map<String, String> added = signer.sign(
        URI.create("https://bedrock-runtime.us-west-2.amazonaws.com" + path), headers, body);

    // The canonical URI encodes the already-encoded %3A once more.
    String expected = signature("POST", "/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse",
        Map.of("accept", "application/json", "content-type", "application/json",
            "host", "bedrock-runtime.us-west-2.amazonaws.com", "x-amz-content-sha256", hex(sha256(body)),
            "x-amz-date", "20150830T123600Z"), body, "us-west-2", "bedrock");
    assertThat(added.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
        + "us-west-2/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;"
        + "x-amz-date, Signature=" + expected);
  }

  /** SigV4 computed by hand from the documented steps, over a canonical URI given as it is to be signed. */
  static String signature(String method, String canonicalUri, Map<String, String> headers, byte[] body,
      String region, String service) throws Exception {
    TreeMap<String, String> sorted = new TreeMap<>(headers);
    StringBuilder canonical = new StringBuilder(method).append('\n').append(canonicalUri).append("\n\n");
    sorted.forEach((k, v) -> canonical.append(k).append(':').append(v).append('\n'));
    canonical.append('\n').append(String.join(";", sorted.keySet())).append('\n').append(hex(sha256(body)));
    String scope = "20150830/" + region + "/" + service + "/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n" + scope + "\n"
        + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + SECRET.value()).getBytes(StandardCharsets.UTF_8), "20150830");
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    return hex(hmac(key, toSign));
  }

  @Test
  void sessionTokenIsSentAndSigned() {
    SigV4Signer signer = new SigV4Signer(AKID, SECRET, new Secret("session-token-value"), SigV4Signer.BEDROCK,
        "eu-central-1", SUITE_TIME);

    Map<String, String> added = signer.sign(URI.create("https://bedrock-runtime.eu-central-1.amazonaws.com/x"),
        Map.of("Content-Type", "application/json"), new byte[] {'{', '}'});

    assertThat(added).containsEntry("X-Amz-Security-Token", "session-token-value");
    assertThat(added.get("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-central-1/bedrock/aws4_request, ")
        .contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=");
  }

  @Test
  void aDifferentBodyGivesADifferentSignature() {
    SigV4Signer signer = new SigV4Signer(AKID, SECRET, null, SigV4Signer.BEDROCK, "us-east-1", SUITE_TIME);
    URI url = URI.create("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse");

    String one = signer.sign(url, Map.of(), "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).get("Authorization");
    String two = signer.sign(url, Map.of(), "{\"a\":2}".getBytes(StandardCharsets.UTF_8)).get("Authorization");

    assertThat(one).isNotEqualTo(two);
  }

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
