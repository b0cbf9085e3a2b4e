package io.switchboard.provider.bedrock;

import static java.util.Objects.requireNonNull;

import io.switchboard.config.Secret;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SigV4 for Bedrock requests, by the AWS SDK's own signer. Pure computation (hashes and HMACs over bytes
 * already in memory), so it may run on an event loop.
 */
final class SigV4Signer {
  /** Bedrock Runtime signs as "bedrock", not as its endpoint prefix "bedrock-runtime". */
  static final String BEDROCK = "bedrock";

  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final AwsCredentialsIdentity credentials;
  private final String service;
  private final String region;
  private final Clock clock;

  SigV4Signer(Secret accessKeyId, Secret secretAccessKey, Secret sessionToken, String service, String region,
      Clock clock) {
    this(identity(accessKeyId, secretAccessKey, sessionToken), service, region, clock);
  }

  /** A signer with no fixed credentials ({@code credentials} null): each call passes its own. */
  SigV4Signer(AwsCredentialsIdentity credentials, String service, String region, Clock clock) {
    this.credentials = credentials;
    this.service = requireNonNull(service, "service");
    this.region = requireNonNull(region, "region");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The headers to add to a POST of {@code body} to {@code url} (whose path is already percent-encoded
   * exactly as it is sent) carrying {@code headers}: Authorization, X-Amz-Date and, with a session token,
   * X-Amz-Security-Token. Every header in {@code headers} is signed; Host is derived from the URL.
   */
  Map<String, String> sign(URI url, Map<String, String> headers, byte[] body) {
    return sign(url, headers, body, requireNonNull(credentials, "credentials"));
  }

  /** As {@link #sign(URI, Map, byte[])}, with these credentials. */
  Map<String, String> sign(URI url, Map<String, String> headers, byte[] body, AwsCredentialsIdentity credentials) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .protocol(url.getScheme())
        .host(url.getHost())
        .port(url.getPort() > 0 ? url.getPort() : null)
        .encodedPath(url.getRawPath());
    headers.forEach(request::putHeader);
    SignedRequest signed = signer.sign(r -> r
        .identity(credentials)
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    Map<String, String> added = new LinkedHashMap<>();
    signed.request().forEachHeader((name, values) -> {
      // Host is signed as the HTTP client will send it, from the URL; it is not ours to set.
      if (!name.equalsIgnoreCase("host") && !headers.containsKey(name) && !values.isEmpty()) {
        added.put(name, values.getFirst());
      }
    });
    return added;
  }

  private static AwsCredentialsIdentity identity(Secret accessKeyId, Secret secretAccessKey, Secret sessionToken) {
    requireNonNull(accessKeyId, "accessKeyId");
    requireNonNull(secretAccessKey, "secretAccessKey");
    return sessionToken == null || sessionToken.isEmpty()
        ? AwsCredentialsIdentity.create(accessKeyId.value(), secretAccessKey.value())
        : AwsSessionCredentialsIdentity.create(accessKeyId.value(), secretAccessKey.value(), sessionToken.value());
  }
}
