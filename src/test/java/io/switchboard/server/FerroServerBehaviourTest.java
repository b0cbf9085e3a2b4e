package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reference gateway's per-address limiter, and blocks this build reads but does not serve yet. */
@Timeout(30)
class FerroServerBehaviourTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String CONFIG = """
      server: {port: 0, host: 127.0.0.1}
      providers: [{key: m, provider: mock, models: [mock-gpt]}]
      """;

  @Test
  void rateLimitRpsGivesEachAddressABucketAndHealthIsExempt() throws Exception {
    // One token a minute after a burst of two: the third request cannot get one while the test runs.
    GatewayConfig config = ConfigLoader.parse(CONFIG, Map.of("RATE_LIMIT_RPS", "0.0167", "RATE_LIMIT_BURST", "2"));
    GatewayServer gateway = GatewayServer.start(config).await(10, TimeUnit.SECONDS);
    try {
      assertThat(get(gateway, "/v1/models").statusCode()).isEqualTo(200);
      assertThat(get(gateway, "/v1/models").statusCode()).isEqualTo(200);
      HttpResponse<String> limited = get(gateway, "/v1/models");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("retry-after")).hasValueSatisfying(v ->
          assertThat(Long.parseLong(v)).isBetween(1L, 60L));
      JsonNode error = Json.MAPPER.readTree(limited.body()).get("error");
      assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
      assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
      // Probes are never limited.
      assertThat(get(gateway, "/health").statusCode()).isEqualTo(200);
      assertThat(get(gateway, "/readyz").statusCode()).isEqualTo(200);
    } finally {
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutRateLimitRpsThereIsNoPerAddressLimit() throws Exception {
    GatewayServer gateway = GatewayServer.start(ConfigLoader.parse(CONFIG, Map.of())).await(10, TimeUnit.SECONDS);
    try {
      for (int i = 0; i < 60; i++) {
        assertThat(get(gateway, "/v1/models").statusCode()).isEqualTo(200);
      }
    } finally {
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void serveRefusesABlockItWouldIgnore() {
    GatewayConfig config = ConfigLoader.parse(CONFIG + """
        mcp_servers: [{name: fs, url: "http://localhost:3001/mcp"}]
        observability: {tracing: {enabled: true, endpoint: "jaeger:4317"}}
        """, Map.of());
    Throwable failure = GatewayServer.start(config).toCompletionStage().toCompletableFuture()
        .handle((ok, e) -> e).join();
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("the config asks for what this build does not do yet")
        .contains("mcp_servers: ").contains("observability.tracing: ");
  }

  private static HttpResponse<String> get(GatewayServer gateway, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
