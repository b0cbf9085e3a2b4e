package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ferro-spelled strategies end to end, with Ferro's own configuration: no providers block, openai and groq
 * registered from OPENAI_* and GROQ_* and pointed at two mock upstreams. Ferro's named modes (conditional,
 * content-based) answer with the chosen target's failure; its pool modes (fallback, loadbalance, ab-test) ask
 * the next target. Each case was run against ferrogw 1.5.9 with the same configs and mocks, with the same
 * targets asked.
 */
@Timeout(60)
class FerroStrategiesE2eTest {
  static final String OPENAI_TEXT = "/providers/openai/vercel-ai/openai-text.json";
  static final String DOWN = "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}";
  static final ObjectMapper JSON = new ObjectMapper();

  MockUpstream openai;
  MockUpstream groq;
  GatewayServer gateway;
  HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void upstreams() throws Exception {
    openai = new MockUpstream();
    groq = new MockUpstream();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
    openai.close();
    groq.close();
  }

  void start(String ferroConfig) throws Exception {
    Map<String, String> env = Map.of(
        "OPENAI_API_KEY", "sk-o", "OPENAI_BASE_URL", openai.url() + "/v1",
        "GROQ_API_KEY", "gsk-g", "GROQ_BASE_URL", groq.url() + "/openai/v1");
    GatewayConfig config = ConfigLoader.parse(ferroConfig, env);
    config = config.withServer(config.server().withListener("127.0.0.1", 0));
    gateway = GatewayServer.start(config).await(10, TimeUnit.SECONDS);
  }

  record Answer(int status, JsonNode body, String target) {}

  Answer chat(String model, String text) throws Exception {
    String body = JSON.writeValueAsString(Map.of("model", model,
        "messages", java.util.List.of(Map.of("role", "user", "content", text))));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder()
        .uri(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()),
        r.headers().firstValue("x-switchboard-target").orElse(null));
  }

  /** groq declares gpt-4o, as Ferro needs to route it there (its catalog has groq serve llama models only). */
  static final String TARGETS = """
      targets:
        - virtual_key: openai
        - virtual_key: groq
          models: [gpt-4o]
      """;

  @Test
  void conditionalAnswersWithTheMatchedTargetsFailure() throws Exception {
    start("""
        strategy:
          mode: conditional
          conditions:
            - {key: model, value: gpt-4o, target_key: groq}
        """ + TARGETS);
    openai.always(json(200, resource(OPENAI_TEXT)));
    groq.always(json(500, DOWN));

    Answer matched = chat("gpt-4o", "hello");
    assertThat(matched.status()).isGreaterThanOrEqualTo(500);
    assertThat(groq.received()).hasSize(1);
    assertThat(openai.received()).as("a named mode does not fail over").isEmpty();

    Answer noMatch = chat("gpt-4o-mini", "hello");
    assertThat(noMatch.status()).isEqualTo(200);
    assertThat(noMatch.target()).as("no rule matches: the first target").isEqualTo("openai");

    // No rule matches and the first target does not serve the model: not found, and nobody is asked.
    Answer notServed = chat("claude-3-5-haiku-latest", "hello");
    assertThat(notServed.status()).isEqualTo(404);
    assertThat(notServed.body().path("error").path("code").asText()).isEqualTo("model_not_found");
    assertThat(groq.received()).hasSize(1);
    assertThat(openai.received()).hasSize(1);
  }

  @Test
  void contentBasedAnswersWithTheMatchedTargetsFailure() throws Exception {
    start("""
        strategy:
          mode: content-based
          content_conditions:
            - {type: prompt_contains, value: translate, target_key: groq}
        """ + TARGETS);
    openai.always(json(500, DOWN));
    groq.always(json(200, resource(OPENAI_TEXT)));

    assertThat(chat("gpt-4o", "Translate this, please").target()).isEqualTo("groq");
    Answer first = chat("gpt-4o", "hello");
    assertThat(first.status()).as("no rule holds: the first target, whose failure is the answer")
        .isGreaterThanOrEqualTo(500);
    assertThat(openai.received()).hasSize(1);
    assertThat(groq.received()).as("only the translate request").hasSize(1);
  }

  @Test
  void poolModesAskTheNextTarget() throws Exception {
    for (String strategy : new String[] {
        "strategy: {mode: fallback}\n",
        "strategy: {mode: loadbalance}\n",
        """
        strategy:
          mode: ab-test
          ab_variants:
            - {target_key: groq, weight: 1, label: challenger}
            - {target_key: openai, weight: 0, label: control}
        """}) {
      start(strategy + """
          targets:
            - {virtual_key: openai, weight: 1}
            - {virtual_key: groq, weight: 1, models: [gpt-4o]}
          """);
      openai.reset();
      groq.reset();
      openai.always(json(200, resource(OPENAI_TEXT)));
      groq.always(json(500, DOWN));
      for (int i = 0; i < 4; i++) {
        Answer a = chat("gpt-4o", "hello");
        assertThat(a.status()).as(strategy).isEqualTo(200);
        assertThat(a.target()).as(strategy).isEqualTo("openai");
      }
      assertThat(openai.received()).as(strategy).hasSize(4);
      if (strategy.contains("ab_variants")) {
        assertThat(groq.received()).as("the drawn variant is asked first, every time").hasSize(4);
      }
      gateway.stop().await(10, TimeUnit.SECONDS);
      gateway = null;
    }
  }
}
