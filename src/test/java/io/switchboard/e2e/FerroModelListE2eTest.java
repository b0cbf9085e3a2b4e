package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.server.GatewayServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /v1/models} under Ferro's configs lists what the mode would route, and nothing it would refuse.
 * The expected ids are ferrogw 1.5.9's answers to the same configs (openai and anthropic registered from
 * OPENAI_* and ANTHROPIC_*), restricted to the models the targets declare: Ferro also lists its catalog's
 * models, which Switchboard's providers describe differently.
 */
@Timeout(60)
class FerroModelListE2eTest {
  static final Set<String> DECLARED = Set.of("gpt-4o", "gpt-4o-mini", "claude-x");
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TWO_TARGETS = """
      targets:
        - {virtual_key: openai, models: [gpt-4o, gpt-4o-mini]}
        - {virtual_key: anthropic, models: [claude-x]}
      """;

  MockUpstream openai;
  MockUpstream anthropic;
  GatewayServer gateway;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void upstreams() throws Exception {
    openai = new MockUpstream();
    anthropic = new MockUpstream();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
    openai.close();
    anthropic.close();
  }

  List<String> listed(String ferroConfig) throws Exception {
    if (gateway != null) {
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
    Map<String, String> env = Map.of(
        "OPENAI_API_KEY", "sk-o", "OPENAI_BASE_URL", openai.url() + "/v1",
        "ANTHROPIC_API_KEY", "sk-a", "ANTHROPIC_BASE_URL", anthropic.url());
    GatewayConfig config = ConfigLoader.parse(ferroConfig, env);
    config = config.withServer(config.server().withListener("127.0.0.1", 0));
    gateway = GatewayServer.start(config).await(10, TimeUnit.SECONDS);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder()
        .uri(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models"))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (JsonNode m : JSON.readTree(r.body()).path("data")) {
      if (DECLARED.contains(m.path("id").asText())) {
        ids.add(m.path("id").asText());
      }
    }
    return ids.stream().sorted().toList();
  }

  @Test
  void conditionalListsTheRuledModelsAndTheFirstTargets() throws Exception {
    // ferrogw: [gpt-4o, gpt-4o-mini]; claude-x would reach openai, the first target, and be refused
    assertThat(listed("""
        strategy:
          mode: conditional
          conditions: [{key: model, value: gpt-4o, target_key: openai}]
        """ + TWO_TARGETS)).containsExactly("gpt-4o", "gpt-4o-mini");
    // ferrogw: [claude-x, gpt-4o]; gpt-4o-mini would reach anthropic, now first, and be refused
    assertThat(listed("""
        strategy:
          mode: conditional
          conditions: [{key: model, value: gpt-4o, target_key: openai}]
        targets:
          - {virtual_key: anthropic, models: [claude-x]}
          - {virtual_key: openai, models: [gpt-4o, gpt-4o-mini]}
        """)).containsExactly("claude-x", "gpt-4o");
  }

  @Test
  void contentBasedListsWhatTheNoMatchTargetServes() throws Exception {
    // ferrogw: [claude-x]; a rule on prompt text cannot hold for a listing, so only the first target counts
    assertThat(listed("""
        strategy:
          mode: content-based
          content_conditions: [{type: prompt_contains, value: code, target_key: openai}]
        targets:
          - {virtual_key: anthropic, models: [claude-x]}
          - {virtual_key: openai, models: [gpt-4o]}
        """)).containsExactly("claude-x");
  }

  @Test
  void fallbackListsEveryTargetsModels() throws Exception {
    // ferrogw: [claude-x, gpt-4o, gpt-4o-mini]
    assertThat(listed("strategy: {mode: fallback}\n" + TWO_TARGETS))
        .containsExactly("claude-x", "gpt-4o", "gpt-4o-mini");
  }
}
