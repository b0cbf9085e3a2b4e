package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.provider.ParameterSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /v1/capabilities}: per configured provider, how each common parameter reaches it. */
@Timeout(30)
class CapabilitiesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void eachProviderReportsItsParameterTableAndNothingElse() throws Exception {
    GatewayServer gateway = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, master_key: sk-capabilities-test-key}
        providers:
          - {key: openai, provider: openai, api_key: sk-a, base_url: "http://127.0.0.1:9/v1"}
          - {key: claude, provider: anthropic, api_key: sk-b, base_url: "http://127.0.0.1:9"}
          - {key: groq, provider: groq, api_key: gsk-c}
          - {key: mistral, provider: mistral, api_key: m-d}
        """, Map.of())).await(10, TimeUnit.SECONDS);
    try {
      HttpResponse<String> anonymous = get(gateway, null);
      assertThat(anonymous.statusCode()).isEqualTo(401);

      HttpResponse<String> r = get(gateway, "sk-capabilities-test-key");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
      JsonNode body = Json.MAPPER.readTree(r.body());
      assertThat(body.get("image_response_formats").isObject()).isTrue();
      JsonNode providers = body.get("providers");
      assertThat(providers.fieldNames()).toIterable().containsExactly("claude", "groq", "mistral", "openai");
      for (JsonNode table : providers) {
        assertThat(table.fieldNames()).toIterable().containsExactlyElementsOf(ParameterSupport.REPORTED);
        table.forEach(v -> assertThat(v.asText()).isIn("forward", "translate", "unsupported"));
      }
      // OpenAI's own wire: everything as sent.
      providers.get("openai").forEach(v -> assertThat(v.asText()).isEqualTo("forward"));
      // Anthropic: its own knobs, a reshaped one, and one it has no equivalent for.
      assertThat(providers.at("/claude/temperature").asText()).isEqualTo("forward");
      assertThat(providers.at("/claude/stop").asText()).isEqualTo("translate");
      assertThat(providers.at("/claude/logit_bias").asText()).isEqualTo("unsupported");
      // Presets: what their data says (groq refuses logprobs; mistral renames seed).
      assertThat(providers.at("/groq/logprobs").asText()).isEqualTo("unsupported");
      assertThat(providers.at("/groq/temperature").asText()).isEqualTo("forward");
      assertThat(providers.at("/mistral/seed").asText()).isEqualTo("translate");

      HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri(gateway))
          .header("authorization", "Bearer sk-capabilities-test-key")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    } finally {
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
  }

  private static URI uri(GatewayServer gateway) {
    return URI.create("http://127.0.0.1:" + gateway.port() + "/v1/capabilities");
  }

  private static HttpResponse<String> get(GatewayServer gateway, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(gateway)).GET();
    if (key != null) {
      b.header("authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
