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
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ReferenceGuideConfigTestAccess;
import io.switchboard.server.GatewayServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guide's promise, verbatim: its Step 2 config, with the keys in the environment, serves its Step 3
 * client code unchanged (base URL without /v1, model names as before). Only the providers' hosts are
 * moved to mocks, through the SDK-standard OPENAI_BASE_URL / ANTHROPIC_BASE_URL variables.
 */
@Timeout(30)
class ReferenceGuideE2eTest {
  static MockUpstream openai;
  static MockUpstream anthropic;
  static GatewayServer gateway;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    openai = new MockUpstream();
    anthropic = new MockUpstream();
    String step2 = ReferenceGuideConfigTestAccess.yamlBlocks().get(1);
    GatewayConfig config = ConfigLoader.parse(step2, Map.of(
        "OPENAI_API_KEY", "sk-real-openai", "ANTHROPIC_API_KEY", "sk-ant-real",
        "OPENAI_BASE_URL", openai.url() + "/v1", "ANTHROPIC_BASE_URL", anthropic.url()));
    GatewayConfig onFreePort = config.withServer(config.server().withListener("127.0.0.1", 0));
    gateway = GatewayServer.start(onFreePort).await(10, TimeUnit.SECONDS);
    // Step 3: `OpenAI(api_key="sk-your-openai-key", base_url="http://localhost:8080")`
    client = OpenAIOkHttpClient.builder()
        .apiKey("sk-your-openai-key")
        .baseUrl("http://127.0.0.1:" + gateway.port())
        .maxRetries(0)
        .timeout(Duration.ofSeconds(15))
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
    openai.close();
    anthropic.close();
  }

  @BeforeEach
  void clean() {
    openai.reset();
    anthropic.reset();
  }

  @Test
  void gpt4oGoesToOpenAiAndClaudeToAnthropicWithTheSameModelNames() {
    openai.then(json(200, resource(GatewayOpenAiJavaE2eTest.OPENAI_TEXT)));
    anthropic.then(json(200, resource(GatewayOpenAiJavaE2eTest.ANTHROPIC_TEXT)));

    HttpResponseFor<ChatCompletion> gpt = client.chat().completions().withRawResponse().create(
        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hi").build());
    HttpResponseFor<ChatCompletion> claude = client.chat().completions().withRawResponse().create(
        ChatCompletionCreateParams.builder().model("claude-3-5-sonnet-20241022").addUserMessage("Hi").build());

    assertThat(gpt.headers().values("x-switchboard-provider")).containsExactly("openai");
    assertThat(gpt.parse().choices().getFirst().message().content()).isPresent();
    assertThat(claude.headers().values("x-switchboard-provider")).containsExactly("anthropic");
    assertThat(claude.parse().choices().getFirst().message().content())
        .hasValueSatisfying(c -> assertThat(c).startsWith("Hello! I'm doing well"));
    assertThat(openai.received()).singleElement().satisfies(r -> {
      assertThat(r.path()).isEqualTo("/v1/chat/completions");
      assertThat(r.body().get("model").asText()).isEqualTo("gpt-4o");
      assertThat(r.headers().get("authorization")).isEqualTo("Bearer sk-real-openai");
    });
    assertThat(anthropic.received()).singleElement().satisfies(r -> {
      assertThat(r.body().get("model").asText()).isEqualTo("claude-3-5-sonnet-20241022");
      assertThat(r.headers().get("x-api-key")).isEqualTo("sk-ant-real");
    });
  }

  @Test
  void theOpenAiTargetRetriesAsConfiguredBeforeGivingUp() {
    String busy = "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    openai.then(json(503, busy)).then(json(502, busy)).then(json(200, resource(GatewayOpenAiJavaE2eTest.OPENAI_TEXT)));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hi").build());

    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().values("x-switchboard-attempts")).containsExactly("3");
    assertThat(openai.received()).hasSize(3);
  }
}
