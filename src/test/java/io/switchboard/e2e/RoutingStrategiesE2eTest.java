package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.switchboard.config.ConfigLoader;
import io.switchboard.server.GatewayServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Strategies that read the request (conditional on the metadata header) or label it (ab-test), end to end. */
@Timeout(30)
class RoutingStrategiesE2eTest {
  static final String OPENAI_TEXT = "/providers/openai/vercel-ai/openai-text.json";

  MockUpstream standard;
  MockUpstream premium;
  GatewayServer gateway;
  OpenAIClient client;

  @BeforeEach
  void upstreams() throws Exception {
    standard = new MockUpstream().always(json(200, resource(OPENAI_TEXT)));
    premium = new MockUpstream().always(json(200, resource(OPENAI_TEXT)));
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
    standard.close();
    premium.close();
  }

  void start(String strategy) throws Exception {
    String config = """
        server: {port: 0, host: 127.0.0.1}
        providers:
          - {key: standard, provider: openai, api_key: sk-s, base_url: "%s/v1", timeout: 3s}
          - {key: premium, provider: openai, api_key: sk-p, base_url: "%s/v1", timeout: 3s}
        """.formatted(standard.url(), premium.url()) + strategy;
    gateway = GatewayServer.start(ConfigLoader.parse(config, Map.of())).await(10, TimeUnit.SECONDS);
    client = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
        .apiKey("sk-client")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(15))
        .build();
  }

  static ChatCompletionCreateParams.Builder chat() {
    return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hello!");
  }

  @Test
  void conditionalRoutesOnTheMetadataHeader() throws Exception {
    start("""
        strategy:
          mode: conditional
          conditions:
            - query: {metadata.tier: pro}
              then: premium
          default: standard
        """);
    HttpResponseFor<ChatCompletion> pro = client.chat().completions().withRawResponse()
        .create(chat().putAdditionalHeader("x-switchboard-metadata", "{\"tier\": \"pro\"}").build());
    assertThat(pro.statusCode()).isEqualTo(200);
    assertThat(pro.headers().values("x-switchboard-target")).containsExactly("premium");
    assertThat(pro.headers().values("x-switchboard-variant")).isEmpty();

    HttpResponseFor<ChatCompletion> free = client.chat().completions().withRawResponse()
        .create(chat().putAdditionalHeader("x-switchboard-metadata", "{\"tier\": \"free\"}").build());
    assertThat(free.headers().values("x-switchboard-target")).containsExactly("standard");
    HttpResponseFor<ChatCompletion> none = client.chat().completions().withRawResponse().create(chat().build());
    assertThat(none.headers().values("x-switchboard-target")).containsExactly("standard");

    assertThat(premium.received()).hasSize(1);
    assertThat(standard.received()).hasSize(2);
  }

  @Test
  void abTestReturnsTheVariantLabel() throws Exception {
    start("""
        strategy:
          mode: ab-test
          variants:
            - {label: control, weight: 1, targets: standard}
            - {label: treatment, weight: 1, targets: premium}
        """);
    int control = 0;
    int treatment = 0;
    for (int i = 0; i < 40; i++) {
      HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(chat().build());
      String variant = raw.headers().values("x-switchboard-variant").getFirst();
      String target = raw.headers().values("x-switchboard-target").getFirst();
      assertThat(target).isEqualTo(variant.equals("control") ? "standard" : "premium");
      if (variant.equals("control")) {
        control++;
      } else {
        treatment++;
      }
    }
    assertThat(control).isPositive();
    assertThat(treatment).isPositive();
    assertThat(standard.received()).hasSize(control);
    assertThat(premium.received()).hasSize(treatment);
  }
}
