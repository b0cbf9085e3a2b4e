package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bedrock entry without keys signs with credentials from the AWS SDK's default chain. Here the chain finds
 * them at an ECS container credentials endpoint (a local server answering the documented JSON), set through
 * the SDK's system properties since the gateway runs in this JVM; instance metadata is disabled and the
 * shared files point into a temp dir, so nothing outside the test is consulted.
 */
@Timeout(60)
class BedrockAmbientCredentialsE2eTest extends E2eResources {
  static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  static final String REGION = "eu-west-1";
  static final Map<String, String> PROPERTIES = Map.of(
      "aws.disableEc2Metadata", "true",
      "aws.sharedCredentialsFile", "absent-credentials",
      "aws.configFile", "absent-config",
      "aws.containerAuthorizationToken", "container-auth-token");

  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final List<String> containerCalls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void hermeticChain() {
    PROPERTIES.forEach((name, value) -> System.setProperty(name, value.startsWith("absent")
        ? dir.resolve(value).toString() : value));
  }

  @AfterEach
  void restore() {
    PROPERTIES.keySet().forEach(System::clearProperty);
    System.clearProperty("aws.containerCredentialsFullUri");
    vertx.close().await();
  }

  /** The ECS container credentials endpoint, answering with the mock's keys and a session token. */
  String containerEndpoint() throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      containerCalls.add(req.path() + " " + req.getHeader("Authorization"));
      req.response().putHeader("Content-Type", "application/json").end("""
          {"AccessKeyId": "%s", "SecretAccessKey": "%s", "Token": "session-from-ecs",
           "Expiration": "%s", "RoleArn": "arn:aws:iam::123456789012:role/test"}"""
          .formatted(MockBedrock.ACCESS_KEY, MockBedrock.SECRET_KEY, Instant.now().plusSeconds(3600)));
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort() + "/v2/credentials/test";
  }

  HttpResponse<String> chat(int port) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"model": "%s", "messages": [{"role": "user", "content": "How many r in strawberry?"}]}"""
            .formatted(MODEL)))
        .build();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void signsWithCredentialsFromTheContainerEndpoint() throws Exception {
    System.setProperty("aws.containerCredentialsFullUri", containerEndpoint());
    MockBedrock bedrock = new MockBedrock(REGION);
    closing.add(bedrock);
    bedrock.then(MockBedrock.json(resource(BedrockE2eTest.FIXTURES + "amazon-bedrock-text.json")));
    int port = gateway("""
        providers:
          - {key: aws, provider: bedrock, region: %s, base_url: "%s", timeout: 5s}
        """.formatted(REGION, bedrock.url()));

    HttpResponse<String> response = chat(port);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Json.parse(response.body()).path("choices").get(0).path("message").path("content").asText())
        .isNotEmpty();
    MockBedrock.Received received = bedrock.received.getFirst();
    assertThat(received.auth()).isEqualTo("ok sigv4");
    assertThat(received.headers().get("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + MockBedrock.ACCESS_KEY + "/")
        .contains("/" + REGION + "/bedrock/aws4_request")
        .contains("x-amz-security-token");
    assertThat(received.headers().get("X-Amz-Security-Token")).isEqualTo("session-from-ecs");
    assertThat(containerCalls).containsExactly("/v2/credentials/test container-auth-token");

    // A second request signs from memory: the endpoint is not asked again.
    bedrock.then(MockBedrock.json(resource(BedrockE2eTest.FIXTURES + "amazon-bedrock-text.json")));
    assertThat(chat(port).statusCode()).isEqualTo(200);
    assertThat(bedrock.received.get(1).auth()).isEqualTo("ok sigv4");
    assertThat(containerCalls).hasSize(1);
  }

  @Test
  void aChainThatFindsNothingFailsTheRequestWith502() throws Exception {
    MockBedrock bedrock = new MockBedrock(REGION);
    closing.add(bedrock);
    int port = gateway("""
        providers:
          - {key: aws, provider: bedrock, region: %s, base_url: "%s", timeout: 5s}
        """.formatted(REGION, bedrock.url()));

    HttpResponse<String> response = chat(port);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    JsonNode error = Json.parse(response.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("upstream_credentials_unavailable");
    assertThat(error.path("message").asText()).contains("no AWS credentials").contains("AWS_PROFILE")
        .contains("EC2 instance metadata");
    assertThat(bedrock.received).isEmpty();
  }
}
