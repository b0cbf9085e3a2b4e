package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ProviderType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bedrock entry as the config loader reads it: region, AWS keys or a bearer token, env fallbacks. */
class BedrockOptionsTest {

  static List<String> problems(String yaml, Map<String, String> env) {
    try {
      ConfigLoader.parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the config to be refused:\n" + yaml);
  }

  static BedrockOptions options(String yaml, Map<String, String> env) {
    GatewayConfig config = ConfigLoader.parse(yaml, env);
    return (BedrockOptions) config.providers().getFirst().options();
  }

  @Test
  void keysFromTheEntry() {
    BedrockOptions o = options("""
        providers:
          - {key: b, provider: aws-bedrock, region: eu-west-1, aws_access_key_id: AKIAX,
             aws_secret_access_key: s3cr3t, aws_session_token: tok}
        """, Map.of());
    assertThat(o.region()).isEqualTo("eu-west-1");
    assertThat(o.accessKeyId().value()).isEqualTo("AKIAX");
    assertThat(o.secretAccessKey().value()).isEqualTo("s3cr3t");
    assertThat(o.sessionToken().value()).isEqualTo("tok");
    assertThat(o.sigV4()).isTrue();
    assertThat(o.toString()).doesNotContain("s3cr3t").doesNotContain("AKIAX").doesNotContain("tok");
    assertThat(o.defaultBaseUrl()).isEqualTo("https://bedrock-runtime.eu-west-1.amazonaws.com");
  }

  @Test
  void keysAndRegionFromTheEnvironment() {
    BedrockOptions o = options("providers: [{key: b, provider: bedrock}]", Map.of("AWS_DEFAULT_REGION", "us-west-2",
        "AWS_ACCESS_KEY_ID", "AKIAENV", "AWS_SECRET_ACCESS_KEY", "envsecret"));
    assertThat(o.region()).isEqualTo("us-west-2");
    assertThat(o.accessKeyId().value()).isEqualTo("AKIAENV");
    assertThat(o.sessionToken()).isNull();
  }

  @Test
  void bearerTokenFromApiKeyOrEnvironment() {
    assertThat(options("providers: [{key: b, provider: amazon-bedrock, region: us-east-1, api_key: bedrock-key}]",
        Map.of()).bearerToken().value()).isEqualTo("bedrock-key");
    BedrockOptions env = options("providers: [{key: b, provider: bedrock}]",
        Map.of("AWS_REGION", "us-east-1", "AWS_BEARER_TOKEN_BEDROCK", "envtoken"));
    assertThat(env.bearerToken().value()).isEqualTo("envtoken");
    assertThat(env.sigV4()).isFalse();
  }

  @Test
  void missingFieldsAreNamed() {
    assertThat(problems("providers: [{key: b, provider: bedrock, region: us-east-1, aws_access_key_id: A}]", Map.of()))
        .anySatisfy(p -> assertThat(p).contains("providers[0].aws_secret_access_key"));
    assertThat(problems("providers: [{key: b, provider: bedrock, aws_session_token: T}]", Map.of()))
        .anySatisfy(p -> assertThat(p).contains("providers[0].aws_session_token").contains("aws_access_key_id"));
    assertThat(problems("providers: [{key: b, provider: bedrock, region: \"evil.com/x\", api_key: k}]", Map.of()))
        .anySatisfy(p -> assertThat(p).contains("providers[0].region").contains("not an AWS region"));
  }

  @Test
  void noKeysMeansTheDefaultCredentialChainAndRegionDefaultsToUsEast1() {
    BedrockOptions o = options("providers: [{key: b, provider: bedrock}]", Map.of());
    assertThat(o.ambientCredentials()).isTrue();
    assertThat(o.sigV4()).isTrue();
    assertThat(o.region()).isEqualTo("us-east-1");
    assertThat(o.secrets()).isEmpty();
    assertThat(options("providers: [{key: b, provider: bedrock}]", Map.of("AWS_DEFAULT_REGION", "eu-west-3"))
        .region()).isEqualTo("eu-west-3");
    assertThat(options("providers: [{key: b, provider: bedrock, api_key: k}]", Map.of()).ambientCredentials())
        .isFalse();
  }

  @Test
  void staticKeysWinOverTheChain() {
    BedrockOptions entry = options("providers: [{key: b, provider: bedrock, aws_access_key_id: AKIAE,"
        + " aws_secret_access_key: s}]", Map.of("AWS_PROFILE", "dev"));
    assertThat(entry.ambientCredentials()).isFalse();
    assertThat(entry.accessKeyId().value()).isEqualTo("AKIAE");
    BedrockOptions env = options("providers: [{key: b, provider: bedrock}]",
        Map.of("AWS_ACCESS_KEY_ID", "AKIAV", "AWS_SECRET_ACCESS_KEY", "s", "AWS_PROFILE", "dev"));
    assertThat(env.ambientCredentials()).isFalse();
    assertThat(env.accessKeyId().value()).isEqualTo("AKIAV");
  }

  @Test
  void problemsNeverQuoteSecrets() {
    assertThat(problems("providers: [{key: b, provider: bedrock, region: us-east-1, aws_secret_access_key: hush}]",
        Map.of())).noneSatisfy(p -> assertThat(p).contains("hush"));
  }

  @Test
  void fromEnvironmentRegistersAsFerroDoes() {
    // Probed on ferrogw 1.5.9: AWS_REGION alone registers bedrock; AWS_DEFAULT_REGION or AWS_PROFILE alone not.
    assertThat(BedrockOptions.fromEnvironment(Map.of("AWS_REGION", "us-east-1"))).isPresent();
    assertThat(BedrockOptions.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b")))
        .isPresent();
    assertThat(BedrockOptions.fromEnvironment(Map.of("AWS_BEARER_TOKEN_BEDROCK", "t"))).isPresent();
    assertThat(BedrockOptions.fromEnvironment(Map.of("AWS_DEFAULT_REGION", "us-east-1"))).isEmpty();
    assertThat(BedrockOptions.fromEnvironment(Map.of("AWS_PROFILE", "dev", "AWS_SECRET_ACCESS_KEY", "b")))
        .isEmpty();
    GatewayConfig config = ConfigLoader.parse("server: {port: 0}", Map.of("AWS_REGION", "eu-central-1"));
    assertThat(config.providers()).anySatisfy(p -> {
      assertThat(p.type()).isEqualTo(ProviderType.BEDROCK);
      assertThat(((BedrockOptions) p.options()).region()).isEqualTo("eu-central-1");
      assertThat(((BedrockOptions) p.options()).ambientCredentials()).isTrue();
    });
    GatewayConfig keys = ConfigLoader.parse("server: {port: 0}", Map.of("AWS_ACCESS_KEY_ID", "a",
        "AWS_SECRET_ACCESS_KEY", "b"));
    assertThat(keys.providers()).anySatisfy(p -> {
      assertThat(((BedrockOptions) p.options()).region()).isEqualTo("us-east-1");
      assertThat(((BedrockOptions) p.options()).ambientCredentials()).isFalse();
    });
  }
}
