package io.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.ProviderEntry;
import io.switchboard.config.ProviderOptions;
import io.switchboard.config.ProviderType;
import io.switchboard.config.Secret;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Bedrock's own settings: the region, and either static AWS keys (SigV4), a Bedrock API key sent as a bearer
 * token, or neither: then SigV4 with the AWS SDK's default credential chain (profile files, web identity,
 * ECS container and EC2 instance credentials). Read from the entry, falling back to the AWS SDKs' usual
 * environment variables; the region defaults to us-east-1 as in Ferro.
 */
public record BedrockOptions(String region, Secret accessKeyId, Secret secretAccessKey, Secret sessionToken,
    Secret bearerToken) implements ProviderOptions {
  public static final Set<String> KEYS = Set.of("region", "aws_access_key_id", "aws_secret_access_key",
      "aws_session_token");
  static final List<String> REGION_ENV = List.of("AWS_REGION", "AWS_DEFAULT_REGION");
  static final List<String> BEARER_ENV = List.of("AWS_BEARER_TOKEN_BEDROCK");
  static final String DEFAULT_REGION = "us-east-1";

  /** True when requests are signed with SigV4; false when the bearer token is sent instead. */
  public boolean sigV4() {
    return bearerToken == null;
  }

  /** True when no keys are configured: SigV4 with credentials from the AWS SDK's default chain. */
  public boolean ambientCredentials() {
    return bearerToken == null && accessKeyId == null;
  }

  @Override
  public List<Secret> secrets() {
    return Stream.of(accessKeyId, secretAccessKey, sessionToken, bearerToken).filter(Objects::nonNull).toList();
  }

  /** The options of one entry, or null after recording the problem on the entry. */
  public static BedrockOptions read(ProviderEntry entry) {
    String region = entry.setting("region", REGION_ENV);
    if (region == null) {
      region = DEFAULT_REGION;
    }
    if (!region.matches("[a-z0-9-]+")) {
      // The region becomes part of the upstream host name: no user-controlled host.
      entry.problem("region", "is not an AWS region name (expected: e.g. us-east-1)");
      return null;
    }
    Secret accessKey = entry.secret("aws_access_key_id", List.of("AWS_ACCESS_KEY_ID"));
    Secret secretKey = entry.secret("aws_secret_access_key", List.of("AWS_SECRET_ACCESS_KEY"));
    Secret token = entry.secret("aws_session_token", List.of("AWS_SESSION_TOKEN"));
    // The common api_key field, for Bedrock API keys; the loader knows no <P>_API_KEY for bedrock.
    Secret bearer = entry.secret("api_key", BEARER_ENV);
    if (bearer != null) {
      return new BedrockOptions(region, null, null, null, bearer);
    }
    if (accessKey == null && secretKey == null) {
      if (token != null) {
        entry.problem("aws_session_token", "needs aws_access_key_id and aws_secret_access_key"
            + " (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
        return null;
      }
      return new BedrockOptions(region, null, null, null, null);
    }
    if (accessKey == null) {
      entry.problem("aws_access_key_id", "is required with aws_secret_access_key (or set AWS_ACCESS_KEY_ID)");
      return null;
    }
    if (secretKey == null) {
      entry.problem("aws_secret_access_key", "is required with aws_access_key_id (or set AWS_SECRET_ACCESS_KEY)");
      return null;
    }
    return new BedrockOptions(region, accessKey, secretKey, token, null);
  }

  /**
   * The entry a bedrock provider gets from the environment alone. As Ferro 1.5.9: AWS_REGION (credentials
   * from the default chain), AWS_ACCESS_KEY_ID or AWS_BEARER_TOKEN_BEDROCK registers it; AWS_DEFAULT_REGION
   * or AWS_PROFILE alone does not.
   */
  public static Optional<ObjectNode> fromEnvironment(Map<String, String> env) {
    if (!set(env, "AWS_REGION") && !set(env, "AWS_ACCESS_KEY_ID") && !set(env, "AWS_BEARER_TOKEN_BEDROCK")) {
      return Optional.empty();
    }
    String name = ProviderType.BEDROCK.configName();
    return Optional.of(JsonNodeFactory.instance.objectNode().put("key", name).put("provider", name));
  }

  private static boolean set(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }

  /** The regional runtime endpoint. */
  String defaultBaseUrl() {
    return "https://bedrock-runtime." + region + ".amazonaws.com";
  }
}
