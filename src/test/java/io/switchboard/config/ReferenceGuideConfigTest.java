package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.GatewayConfig.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Ferro-format blocks of the reference migration guide load and mean what the guide says. */
class ReferenceGuideConfigTest {
  static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-test-openai", "ANTHROPIC_API_KEY", "sk-ant-test");

  static List<String> yamlBlocks() throws IOException {
    try (InputStream in = ReferenceGuideConfigTest.class.getResourceAsStream("/reference/ferro-migrate-from-litellm.md")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(text);
      List<String> blocks = new ArrayList<>();
      while (m.find()) {
        blocks.add(m.group(1));
      }
      return blocks;
    }
  }

  /** A guide block holds a "Before" (LiteLLM) and an "After" (Ferro) part; this returns the Ferro part. */
  static String ferroPart(String block) {
    int after = block.indexOf("# After");
    return after < 0 ? block : block.substring(block.indexOf('\n', after) + 1);
  }

  @Test
  void guideHasTheBlocksWeTest() throws IOException {
    assertThat(yamlBlocks()).hasSize(5);
  }

  @Test
  void step2ConfigLoadsWithKeysFromTheEnvironment() throws IOException {
    String step2 = yamlBlocks().get(1);
    GatewayConfig config = ConfigLoader.parse(step2, ENV);

    assertThat(config.providers()).extracting(Provider::key).containsExactly("openai", "anthropic");
    Provider openai = config.providers().get(0);
    assertThat(openai.type()).isEqualTo(ProviderType.OPENAI);
    assertThat(openai.apiKey().value()).isEqualTo("sk-test-openai");
    assertThat(openai.baseUrl()).isEqualTo("https://api.openai.com/v1");
    Provider anthropic = config.providers().get(1);
    assertThat(anthropic.type()).isEqualTo(ProviderType.ANTHROPIC);
    assertThat(anthropic.baseUrl()).isEqualTo("https://api.anthropic.com/v1");
    assertThat(config.strategy().mode()).isInstanceOf(StrategyConfig.Fallback.class);
    assertThat(config.targets()).hasSize(2);
    GatewayConfig.Retry retry = config.targets().get(0).retry();
    assertThat(retry.attempts()).isEqualTo(3);
    assertThat(retry.retryOnStatus()).containsExactlyInAnyOrder(429, 502, 503, 504);
    assertThat(config.targets().get(1).retry().attempts()).isEqualTo(1);
  }

  @Test
  void step2RefusesToStartWithoutTheKeys() throws IOException {
    String step2 = yamlBlocks().get(1);
    assertThat(ConfigLoaderTest.problems(step2, Map.of())).containsExactly(
        "providers[0].api_key: environment variable OPENAI_API_KEY is not set (use ${OPENAI_API_KEY:-default} to give a default)",
        "providers[1].api_key: environment variable ANTHROPIC_API_KEY is not set (use ${ANTHROPIC_API_KEY:-default} to give a default)",
        "providers[0].api_key: is required for provider openai (or set OPENAI_API_KEY)",
        "providers[1].api_key: is required for provider anthropic (or set ANTHROPIC_API_KEY)");
  }

  @Test
  void pluginBlocksLoadWithProvidersFromTheEnvironment() throws IOException {
    List<String> blocks = yamlBlocks();
    GatewayConfig rateLimit = ConfigLoader.parse(ferroPart(blocks.get(2)), ENV);
    assertThat(rateLimit.providers()).extracting(Provider::key).containsExactly("openai", "anthropic");
    assertThat(rateLimit.plugins()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("rate-limit");
      assertThat(p.type()).isEqualTo("ratelimit");
      assertThat(p.stage()).isEqualTo("before_request");
      assertThat(p.enabled()).isTrue();
      assertThat(p.config().get("requests_per_second").asDouble()).isEqualTo(1.67);
      assertThat(p.config().get("burst").asInt()).isEqualTo(20);
    });

    GatewayConfig cache = ConfigLoader.parse(ferroPart(blocks.get(3)), ENV);
    assertThat(cache.plugins()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("response-cache");
      assertThat(p.config().get("max_age").asInt()).isEqualTo(300);
      assertThat(p.config().get("max_entries").asInt()).isEqualTo(1000);
    });

    GatewayConfig logger = ConfigLoader.parse(ferroPart(blocks.get(4)), ENV);
    assertThat(logger.plugins()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("request-logger");
      assertThat(p.type()).isEqualTo("logging");
      assertThat(p.config().get("backend").asText()).isEqualTo("sqlite");
      assertThat(p.config().get("dsn").asText()).isEqualTo("ferrogw-requests.db");
    });
  }

  @Test
  void providersFromTheEnvironmentHonourBaseUrlOverrides() {
    GatewayConfig config = ConfigLoader.parse("aliases: {fast: gpt-4o-mini}\n",
        Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_BASE_URL", "http://127.0.0.1:9999/v1/"));
    assertThat(config.providers()).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo("openai");
      assertThat(p.baseUrl()).isEqualTo("http://127.0.0.1:9999/v1");
      assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(600));
    });
    assertThat(config.targets()).extracting(GatewayConfig.Target::virtualKey).containsExactly("openai");
    assertThat(config.strategy().mode()).isInstanceOf(StrategyConfig.Fallback.class);
    assertThat(config.aliases()).isEqualTo(Map.of("fast", "gpt-4o-mini"));
    assertThat(Set.copyOf(config.plugins())).isEmpty();
  }
}
