package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /admin/plugins}: the configured plugins (name, type, stage, enabled) for the master key only, and
 * never a plugin's config.
 */
@Timeout(30)
class AdminPluginsEndpointTest {
  static final String MASTER_KEY = "sk-admin-test-0123456789abcdef";
  static final String CONFIG = """
      server: {port: 0, host: 127.0.0.1}
      providers: [{key: m, provider: mock}]
      targets: [{virtual_key: m}]
      plugins:
        - name: word-filter
          type: guardrail
          stage: before_request
          enabled: true
          config: {words: [zebra-confidential-word]}
        - name: max-token
          type: guardrail
          stage: before_request
          enabled: false
          config: {max_tokens: 4321}
      """;
  static GatewayServer withKey;
  static GatewayServer withoutKey;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    withKey = GatewayServer.start(ConfigLoader.parse(CONFIG, Map.of("MASTER_KEY", MASTER_KEY)))
        .await(10, TimeUnit.SECONDS);
    withoutKey = GatewayServer.start(ConfigLoader.parse(CONFIG, Map.of())).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    withKey.stop().await(10, TimeUnit.SECONDS);
    withoutKey.stop().await(10, TimeUnit.SECONDS);
  }

  static HttpResponse<String> send(GatewayServer gateway, String method, String path, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      request.header("authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theMasterKeyGetsEveryPluginInConfigOrderWithoutItsConfig() throws Exception {
    for (String path : new String[] {"/admin/plugins", "/v1/admin/plugins", "/admin/plugins/"}) {
      HttpResponse<String> r = send(withKey, "GET", path, MASTER_KEY);

      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).contains("application/json");
      JsonNode list = Json.MAPPER.readTree(r.body());
      assertThat(list.size()).isEqualTo(2);
      assertThat(list.get(0).toString()).isEqualTo(
          "{\"name\":\"word-filter\",\"type\":\"guardrail\",\"stage\":\"before_request\",\"enabled\":true}");
      assertThat(list.get(1).toString()).isEqualTo(
          "{\"name\":\"max-token\",\"type\":\"guardrail\",\"stage\":\"before_request\",\"enabled\":false}");
      assertThat(r.body()).doesNotContain("zebra-confidential-word").doesNotContain("4321");
    }
  }

  @Test
  void noKeyOrAWrongKeyIsRefused() throws Exception {
    HttpResponse<String> missing = send(withKey, "GET", "/admin/plugins", null);
    HttpResponse<String> wrong = send(withKey, "GET", "/admin/plugins", "sk-wrong");

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(missing.body() + wrong.body()).doesNotContain("word-filter");
  }

  @Test
  void aGatewayWithoutAMasterKeyHasNoAdminApi() throws Exception {
    HttpResponse<String> r = send(withoutKey, "GET", "/admin/plugins", "anything");

    assertThat(r.statusCode()).isEqualTo(401);
    JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("admin_api_disabled");
    assertThat(error.path("message").asText()).contains("MASTER_KEY");
    assertThat(r.body()).doesNotContain("word-filter");
  }

  @Test
  void itIsReadOnly() throws Exception {
    HttpResponse<String> r = send(withKey, "POST", "/admin/plugins", MASTER_KEY);

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("allow")).contains("GET");
  }
}
