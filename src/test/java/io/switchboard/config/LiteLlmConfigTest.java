package io.switchboard.config;

import io.switchboard.config.litellm.LiteLlmConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.GatewayConfig.Plugin;
import io.switchboard.config.GatewayConfig.Provider;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.Operation;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.ModelRouter;
import io.switchboard.routing.Strategies;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LiteLlmConfigTest {
  private static final Map<String, String> ENV = Map.of(
      "OPENAI_API_KEY", "sk-openai-test", "ANTHROPIC_API_KEY", "sk-ant-test");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  // ---- the guide: every block loads and means what the text says ----

  static List<String> guideBlocks() throws IOException {
    try (InputStream in = LiteLlmConfigTest.class.getResourceAsStream("/reference/ferro-migrate-from-litellm.md")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> blocks = new ArrayList<>();
      Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(text);
      while (m.find()) {
        blocks.add(m.group(1));
      }
      return blocks;
    }
  }

  /** The guide's plugin blocks hold a LiteLLM "Before" and a Switchboard "After"; this is the first half. */
  static String before(String block) {
    int after = block.indexOf("\n# After");
    return after < 0 ? block : block.substring(0, after);
  }

  static Stream<String> everyGuideBlockAndItsLiteLlmHalf() throws IOException {
    List<String> out = new ArrayList<>();
    for (String block : guideBlocks()) {
      out.add(block);
      if (!before(block).equals(block)) {
        out.add(before(block));
      }
    }
    return out.stream();
  }

  @Test
  void theGuideHasTheBlocksThisTestExpects() throws IOException {
    assertThat(guideBlocks()).hasSize(5);
    assertThat(guideBlocks().get(0)).startsWith("model_list:");
    assertThat(guideBlocks().get(1)).startsWith("providers:");
  }

  @ParameterizedTest
  @MethodSource("everyGuideBlockAndItsLiteLlmHalf")
  void everyGuideBlockLoads(String block) {
    GatewayConfig config = ConfigLoader.parse(block, ENV);
    assertThat(config.providers()).isNotEmpty();
  }

  @Test
  void step2BeforeConfigTranslatesToProvidersTargetsAndFallback() throws IOException {
    GatewayConfig config = ConfigLoader.parse(guideBlocks().get(0), ENV);

    assertThat(config.providers()).extracting(Provider::key, Provider::type, p -> p.apiKey().value(),
            Provider::baseUrl)
        .containsExactly(
            tuple("gpt-4o", ProviderType.OPENAI, "sk-openai-test",
                "https://api.openai.com/v1"),
            tuple("claude-3-5-sonnet", ProviderType.ANTHROPIC, "sk-ant-test",
                "https://api.anthropic.com/v1"));
    assertThat(config.strategy().mode()).isInstanceOf(StrategyConfig.Fallback.class);
    // As in the guide's "after": two targets, the fallback group mapping the primary's name too.
    assertThat(config.targets()).extracting(Target::virtualKey, Target::modelMap).containsExactly(
        tuple("gpt-4o", Map.of("gpt-4o", "gpt-4o")),
        tuple("claude-3-5-sonnet", Map.of(
            "claude-3-5-sonnet", "claude-3-5-sonnet-20241022", "gpt-4o", "claude-3-5-sonnet-20241022")));
    // LiteLLM's Router retries twice when num_retries is not set; the guide's "after" has attempts: 3.
    assertThat(config.targets()).allSatisfy(t -> assertThat(t.retry().attempts()).isEqualTo(3));
    assertThat(config.plugins()).isEmpty();

    assertThat(route(config, "gpt-4o")).containsExactly("gpt-4o -> gpt-4o",
        "claude-3-5-sonnet -> claude-3-5-sonnet-20241022");
    assertThat(route(config, "claude-3-5-sonnet")).containsExactly(
        "claude-3-5-sonnet -> claude-3-5-sonnet-20241022");
  }

  @Test
  void rpmLimitBecomesTheGuidesRateLimitPlugin() throws IOException {
    String block = guideBlocks().get(2);
    for (String text : List.of(before(block), block)) {
      GatewayConfig config = ConfigLoader.parse(text, ENV);
      assertThat(config.plugins()).hasSize(1);
      Plugin plugin = config.plugins().getFirst();
      assertThat(plugin.name()).isEqualTo("rate-limit");
      assertThat(plugin.type()).isEqualTo("ratelimit");
      assertThat(plugin.stage()).isEqualTo("before_request");
      assertThat(plugin.enabled()).isTrue();
      assertThat(plugin.config().get("requests_per_second").asDouble()).isEqualTo(1.67);
      assertThat(plugin.config().get("burst").asInt()).isEqualTo(20);
    }
    // No model_list: providers still come from the environment.
    assertThat(translate(before(block)).has("providers")).isFalse();
    assertThat(ConfigLoader.parse(before(block), ENV).providers()).extracting(Provider::key)
        .containsExactly("openai", "anthropic");
  }

  @Test
  void cacheBecomesAnInMemoryResponseCacheWithAWarningAboutRedis() throws IOException {
    String block = guideBlocks().get(3);
    for (String text : List.of(before(block), block)) {
      GatewayConfig config = ConfigLoader.parse(text, ENV);
      assertThat(config.plugins()).hasSize(1);
      Plugin plugin = config.plugins().getFirst();
      assertThat(plugin.name()).isEqualTo("response-cache");
      assertThat(plugin.type()).isEqualTo("transform");
      assertThat(plugin.config().get("max_age").asInt()).isEqualTo(300);
      assertThat(plugin.config().get("max_entries").asInt()).isEqualTo(1000);
    }
    List<String> warnings = new ArrayList<>();
    LiteLlmConfig.translate(tree(before(block)), new ArrayList<>(), warnings);
    assertThat(warnings).singleElement().asString()
        .startsWith("litellm_settings.cache_params.type: \"redis\": responses are cached in memory");
  }

  @Test
  void successCallbackLoadsWithAWarning() throws IOException {
    String text = before(guideBlocks().get(4));
    List<String> warnings = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    LiteLlmConfig.translate(tree(text), problems, warnings);
    assertThat(problems).isEmpty();
    assertThat(warnings).singleElement().asString().startsWith("litellm_settings.success_callback: ")
        .contains("langfuse");
    assertThat(ConfigLoader.parse(text, ENV).plugins()).isEmpty();
  }

  // ---- problems, all reported at once, where the file has them ----

  @Test
  void problemsAreReportedTogetherAtTheirLiteLlmPaths() {
    String text = """
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: os.environ/MISSING_OPENAI_KEY
          - litellm_params:
              model: anthropic/claude-3-5-sonnet-20241022
          - model_name: titan
            litellm_params:
              model: acme/foo
          - model_name: mystery
            litellm_params:
              model: some-local-model
        router_settings:
          fallbacks:
            - gpt-4o: [nowhere, titan]
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(text, ENV))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "model_list[1].model_name: is required",
            "model_list[2].litellm_params.model: \"acme/foo\" uses provider \"acme\", which this version "
                + "does not support (expected: " + LiteLlmConfig.expectedPrefixes() + ")",
            "model_list[3].litellm_params.model: \"some-local-model\" names no provider (expected: a provider "
                + "prefix, as in openai/some-local-model or anthropic/some-local-model)",
            "router_settings.fallbacks[0].gpt-4o: \"nowhere\" (a fallback) names no model_name in model_list",
            "model_list[0].litellm_params.api_key: environment variable MISSING_OPENAI_KEY is not set (use "
                + "${MISSING_OPENAI_KEY:-default} to give a default)"));
  }

  @Test
  void otherValidationProblemsPointAtTheLiteLlmSetting() {
    String text = """
        model_list:
          - model_name: local
            litellm_params:
              model: hosted_vllm/meta-llama/Llama-3-8B
              api_base: ftp://vllm
              timeout: soon
          - model_name: vllm-no-base
            litellm_params:
              model: hosted_vllm/x
          - model_name: gpt-4o
            litellm_params:
              model: gpt-4o
              max_retries: 12
        router_settings:
          routing_strategy: latency-based-routing
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(text, ENV))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "model_list[0].litellm_params.api_base: is not an http(s) URL with a host",
            "model_list[0].litellm_params.timeout: \"soon\" is not a duration (expected: seconds, or a number "
                + "with ms, s, m or h)",
            "model_list[1].litellm_params.api_base: is required for \"hosted_vllm/x\" (an OpenAI-compatible "
                + "server)",
            "model_list[2].litellm_params.max_retries: 12 is out of range (expected: 0 to 9)"));
  }

  // ---- provider prefixes: presets and the native kinds ----

  @Test
  void presetPrefixesBecomeTheirPresetsWithTheKeyFromThePresetsVariable() {
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: fast
            litellm_params: {model: groq/llama-3.3-70b-versatile}
          - model_name: mixtral
            litellm_params: {model: together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1}
          - model_name: fw
            litellm_params: {model: fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct}
          - model_name: nim
            litellm_params: {model: nvidia_nim/meta/llama3-70b-instruct, api_key: nvapi-inline}
          - model_name: hf
            litellm_params: {model: huggingface/deepseek-ai/DeepSeek-R1}
          - model_name: cf
            litellm_params: {model: cloudflare/@cf/meta/llama-3.1-8b-instruct}
          - model_name: studio
            litellm_params: {model: lm_studio/qwen2.5-7b-instruct}
          - model_name: foundry
            litellm_params: {model: azure_ai/DeepSeek-R1}
        """, Map.of("GROQ_API_KEY", "gsk-env", "TOGETHER_API_KEY", "tg-env", "FIREWORKS_API_KEY", "fw-env",
        "HF_TOKEN", "hf-env", "CLOUDFLARE_API_TOKEN", "cf-env", "CLOUDFLARE_ACCOUNT_ID", "acct42",
        "AZURE_AI_API_KEY", "az-env", "AZURE_AI_RESOURCE", "my-res"));
    assertThat(config.providers()).extracting(p -> p.preset().name(), p -> p.apiKey().value(), Provider::baseUrl,
        Provider::models).containsExactly(
        tuple("groq", "gsk-env", "https://api.groq.com/openai/v1", List.of("llama-3.3-70b-versatile")),
        tuple("together", "tg-env", "https://api.together.ai/v1", List.of("mistralai/Mixtral-8x7B-Instruct-v0.1")),
        tuple("fireworks", "fw-env", "https://api.fireworks.ai/inference/v1",
            List.of("accounts/fireworks/models/llama-v3p3-70b-instruct")),
        tuple("nvidia-nim", "nvapi-inline", "https://integrate.api.nvidia.com/v1", List.of("meta/llama3-70b-instruct")),
        tuple("hugging-face", "hf-env", "https://router.huggingface.co/v1", List.of("deepseek-ai/DeepSeek-R1")),
        tuple("cloudflare", "cf-env", "https://api.cloudflare.com/client/v4/accounts/acct42/ai/v1",
            List.of("@cf/meta/llama-3.1-8b-instruct")),
        tuple("lm-studio", "", "http://localhost:1234/v1", List.of("qwen2.5-7b-instruct")),
        tuple("azure-foundry", "az-env", "https://my-res.services.ai.azure.com/openai/v1", List.of("DeepSeek-R1")));
    assertThat(config.targets().getFirst().modelMap()).containsEntry("fast", "llama-3.3-70b-versatile");
  }

  @Test
  void ollamaAndOllamaChatReachTheOllamaPresetUnderV1() {
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: llama
            litellm_params: {model: ollama/llama3.2, api_base: "http://gpu-box:11434"}
          - model_name: llama-chat
            litellm_params: {model: ollama_chat/llama3.2}
        """, Map.of());
    assertThat(config.providers()).extracting(p -> p.preset().name(), Provider::baseUrl).containsExactly(
        tuple("ollama", "http://gpu-box:11434/v1"), tuple("ollama", "http://localhost:11434/v1"));
  }

  @Test
  void aPresetWithoutItsKeyIsNamedWithItsVariable() {
    assertThat(problems("""
        model_list:
          - model_name: fast
            litellm_params: {model: groq/llama-3.3-70b-versatile}
        """)).containsExactly("model_list[0].litellm_params.api_key: is required for provider groq "
        + "(or set GROQ_API_KEY)");
  }

  @Test
  void nativePrefixesBecomeTheirKindsWithTheirParamsRenamed() {
    ObjectNode out = translate("""
        model_list:
          - model_name: flash
            litellm_params: {model: gemini/gemini-2.0-flash, api_key: os.environ/GEMINI_KEY}
          - model_name: vertex-flash
            litellm_params:
              model: vertex_ai/gemini-2.0-flash
              vertex_project: my-project
              vertex_location: europe-west4
              vertex_credentials: os.environ/VERTEX_SA
          - model_name: claude-bedrock
            litellm_params:
              model: bedrock/converse/anthropic.claude-3-5-sonnet-20240620-v1:0
              aws_region_name: us-east-1
              aws_access_key_id: os.environ/AWS_ACCESS_KEY_ID
              aws_secret_access_key: os.environ/AWS_SECRET_ACCESS_KEY
              aws_session_token: os.environ/AWS_SESSION_TOKEN
          - model_name: titan
            litellm_params: {model: bedrock/amazon.titan-embed-text-v2:0}
          - model_name: command
            litellm_params: {model: cohere_chat/command-r-plus}
          - model_name: embed
            litellm_params: {model: cohere/embed-english-v3.0}
          - model_name: gpt-azure
            litellm_params:
              model: azure/my-gpt4o-deployment
              api_base: https://my-resource.openai.azure.com
              api_version: "2024-10-21"
        """);
    List<String> entries = new ArrayList<>();
    out.get("providers").forEach(p -> entries.add(p.toString()));
    assertThat(entries).containsExactly(
        "{\"key\":\"flash\",\"provider\":\"gemini\",\"api_key\":\"${GEMINI_KEY}\","
            + "\"models\":[\"gemini-2.0-flash\"]}",
        "{\"key\":\"vertex-flash\",\"provider\":\"vertex-ai\",\"project\":\"my-project\","
            + "\"region\":\"europe-west4\",\"credentials\":\"${VERTEX_SA}\",\"models\":[\"gemini-2.0-flash\"]}",
        "{\"key\":\"claude-bedrock\",\"provider\":\"bedrock\",\"region\":\"us-east-1\","
            + "\"aws_access_key_id\":\"${AWS_ACCESS_KEY_ID}\",\"aws_secret_access_key\":\"${AWS_SECRET_ACCESS_KEY}\","
            + "\"aws_session_token\":\"${AWS_SESSION_TOKEN}\","
            + "\"models\":[\"anthropic.claude-3-5-sonnet-20240620-v1:0\"]}",
        "{\"key\":\"titan\",\"provider\":\"bedrock\",\"models\":[\"amazon.titan-embed-text-v2:0\"]}",
        "{\"key\":\"command\",\"provider\":\"cohere\",\"models\":[\"command-r-plus\"]}",
        "{\"key\":\"embed\",\"provider\":\"cohere\",\"models\":[\"embed-english-v3.0\"]}",
        "{\"key\":\"gpt-azure\",\"provider\":\"azure\",\"api_version\":\"2024-10-21\","
            + "\"base_url\":\"https://my-resource.openai.azure.com\",\"models\":[\"my-gpt4o-deployment\"]}");
  }

  @Test
  void wildcardsOtherThanStarAreRefused() {
    assertThat(problems("""
        model_list:
          - model_name: gpt-*
            litellm_params: {model: openai/gpt-*}
          - model_name: "*"
            litellm_params: {model: openai/gpt-4o}
        """)).containsExactly(
        "model_list[0].model_name: \"gpt-*\" with model \"openai/gpt-*\": wildcards other than '*' are not "
            + "supported yet",
        "model_list[1].litellm_params.model: model_name \"*\" needs a wildcard model such as openai/* (got "
            + "\"openai/gpt-4o\")");
  }

  // ---- routing semantics ----

  @Test
  void fallbackGroupListedBeforeItsPrimaryIsStillTriedAfterIt() {
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: claude
            litellm_params: {model: anthropic/claude-3-5-haiku-20241022}
          - model_name: smart
            litellm_params: {model: anthropic/claude-sonnet-4-20250514, api_key: os.environ/OTHER_KEY}
        litellm_settings:
          fallbacks: [{smart: [claude]}]
        """, Map.of("ANTHROPIC_API_KEY", "a", "OTHER_KEY", "b"));
    assertThat(config.strategy().mode()).isInstanceOf(StrategyConfig.Fallback.class);
    assertThat(route(config, "smart")).containsExactly("smart -> claude-sonnet-4-20250514",
        "claude -> claude-3-5-haiku-20241022");
    assertThat(route(config, "claude")).containsExactly("claude -> claude-3-5-haiku-20241022");
  }

  @Test
  void fallbacksAreTriedInTheOrderListedWhateverTheModelListOrder() {
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: smart
            litellm_params: {model: anthropic/claude-sonnet-4-20250514}
          - model_name: second
            litellm_params: {model: openai/gpt-4o-mini}
          - model_name: first
            litellm_params: {model: anthropic/claude-3-5-haiku-20241022}
        router_settings:
          fallbacks: [{smart: [first, second]}]
        """, ENV);
    assertThat(route(config, "smart")).containsExactly("smart -> claude-sonnet-4-20250514",
        "first -> claude-3-5-haiku-20241022", "second -> gpt-4o-mini");
    assertThat(route(config, "second")).containsExactly("second -> gpt-4o-mini");
    assertThat(config.targets()).extracting(Target::virtualKey).containsExactly("smart", "second", "first",
        "second");
  }

  @Test
  void severalDeploymentsOfOneModelAreLoadBalancedByWeight() {
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: gpt-4o
            litellm_params: {model: openai/gpt-4o, weight: 3, api_key: os.environ/KEY_A}
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: os.environ/KEY_B
              api_base: https://eu.example.com/v1/
              extra_headers: {X-Team: os.environ/TEAM}
              max_retries: 0
          - model_name: "*"
            litellm_params: {model: openai/*}
        router_settings:
          num_retries: 4
          timeout: 30
          retry_after: 2
        """, Map.of("KEY_A", "a", "KEY_B", "b", "TEAM", "blue", "OPENAI_API_KEY", "c"));
    assertThat(config.strategy().mode()).isInstanceOf(StrategyConfig.LoadBalance.class);
    assertThat(config.providers()).extracting(Provider::key).containsExactly("gpt-4o", "gpt-4o-2", "openai");
    Provider eu = config.providers().get(1);
    assertThat(eu.baseUrl()).isEqualTo("https://eu.example.com/v1");
    assertThat(eu.headers()).containsExactly(Map.entry("X-Team", "blue"));
    assertThat(eu.apiKey().value()).isEqualTo("b");
    assertThat(config.providers()).extracting(Provider::timeout).containsOnly(Duration.ofSeconds(30));
    assertThat(config.targets()).extracting(Target::virtualKey, Target::weight, t -> t.retry().attempts(),
            Target::models)
        .containsExactly(
            tuple("gpt-4o", 3.0, 5, List.of()),
            tuple("gpt-4o-2", 1.0, 1, List.of()),
            tuple("openai", 1.0, 5, List.of("*")));
    assertThat(config.targets()).allSatisfy(t -> assertThat(t.retry().initialBackoff()).isEqualTo(
        Duration.ofSeconds(2)));
  }

  @Test
  void settingsWithASwitchboardMeaningAreCarriedOver() {
    GatewayConfig config = ConfigLoader.parse("""
        model_list:
          - model_name: fast
            litellm_params: {model: claude-3-5-haiku-20241022}
        router_settings:
          model_group_alias: {quick: fast, speedy: {model: fast, hidden: true}}
          redis_host: localhost
        litellm_settings:
          drop_params: true
          set_verbose: true
        general_settings:
          master_key: sk-1234
        environment_variables:
          FOO: bar
        """, ENV);
    assertThat(config.aliases()).containsExactlyInAnyOrderEntriesOf(Map.of("quick", "fast", "speedy", "fast"));
    assertThat(config.onUnsupportedParam()).isEqualTo(UnsupportedParamPolicy.DROP);
    assertThat(config.server().access().masterKey().value()).isEqualTo("sk-1234");  // clients authenticate with it
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.providers()).singleElement().satisfies(p -> {
      assertThat(p.type()).isEqualTo(ProviderType.ANTHROPIC);
      assertThat(p.apiKey().value()).isEqualTo("sk-ant-test");  // LiteLLM's implicit ANTHROPIC_API_KEY
    });

    List<String> warnings = new ArrayList<>();
    LiteLlmConfig.translate(tree("""
        model_list:
          - model_name: fast
            litellm_params: {model: claude-3-5-haiku-20241022, rpm: 10, api_version: x}
        router_settings:
          model_group_alias: {speedy: {model: fast, hidden: true}}
          redis_host: localhost
        litellm_settings:
          set_verbose: true
        general_settings:
          master_key: sk-1234
        environment_variables:
          FOO: bar
        """), new ArrayList<>(), warnings);
    assertThat(warnings).containsExactlyInAnyOrder(
        "model_list[0].litellm_params.rpm: is not enforced per deployment yet, nor used as a load-balancing "
            + "weight (give weight instead)",
        "model_list[0].litellm_params.api_version: is not supported yet; ignored",
        "router_settings.model_group_alias.speedy.hidden: is not supported yet; the alias is listed in /v1/models",
        "router_settings.redis_host: is not supported yet; ignored",
        "environment_variables: are not exported; Switchboard reads the real environment (FOO)");
  }

  // ---- mixing with native keys ----

  @Test
  void nativeProvidersKeepTheirTargetsAndComeFirst() {
    GatewayConfig config = ConfigLoader.parse("""
        providers:
          - key: gpt-4o
            provider: mock
        model_list:
          - model_name: gpt-4o
            litellm_params: {model: openai/gpt-4o}
        """, ENV);
    assertThat(config.providers()).extracting(Provider::key).containsExactly("gpt-4o", "gpt-4o-2");
    assertThat(config.targets()).extracting(Target::virtualKey).containsExactly("gpt-4o", "gpt-4o-2");
  }

  @Test
  void conflictsWithNativeSettingsAreProblems() {
    assertThat(problems("""
        strategy: {mode: single}
        compatibility: {on_unsupported_param: reject}
        aliases: {quick: slow}
        plugins:
          - name: rate-limit
            type: ratelimit
            config: {requests_per_second: 5, burst: 10}
        model_list:
          - model_name: fast
            litellm_params: {model: openai/gpt-4o-mini}
        router_settings:
          routing_strategy: simple-shuffle
          rpm_limit: 60
          model_group_alias: {quick: fast}
        litellm_settings:
          drop_params: true
        """)).containsExactlyInAnyOrder(
        "router_settings.routing_strategy: means strategy mode \"loadbalance\", which conflicts with "
            + "strategy.mode \"single\" in the same file (expected: one of the two)",
        "litellm_settings.drop_params: true conflicts with compatibility.on_unsupported_param \"reject\" in the "
            + "same file (expected: one of the two)",
        "router_settings.model_group_alias.quick: \"fast\" conflicts with aliases.quick \"slow\" in the same file",
        "router_settings.rpm_limit: would configure plugin \"rate-limit\", which the plugins block also "
            + "configures, differently (expected: one of the two)");
  }

  @Test
  void isLiteLlmLooksOnlyAtLiteLlmRootKeys() throws IOException {
    assertThat(LiteLlmConfig.isLiteLlm(tree("providers: []"))).isFalse();
    for (String key : LiteLlmConfig.ROOT_KEYS) {
      assertThat(LiteLlmConfig.isLiteLlm(tree(key + ": {}"))).as(key).isTrue();
    }
  }

  // ---- helpers ----

  private static ObjectNode tree(String yaml) {
    try {
      return (ObjectNode) YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode translate(String yaml) {
    List<String> problems = new ArrayList<>();
    ObjectNode out = LiteLlmConfig.translate(tree(yaml), problems, new ArrayList<>());
    assertThat(problems).isEmpty();
    return out;
  }

  private static List<String> problems(String yaml) {
    try {
      ConfigLoader.parse(yaml, ENV);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected problems");
  }

  /** Candidates for a chat request as "provider -> upstream model", in the order they would be tried. */
  private static List<String> route(GatewayConfig config, String model) {
    Map<String, io.switchboard.provider.Provider> providers = new LinkedHashMap<>();
    for (Provider p : config.providers()) {
      providers.put(p.key(), new ChatProvider() {
        @Override
        public Provider config() {
          return p;
        }

        @Override
        public Future<io.switchboard.provider.UpstreamResponse> chat(io.switchboard.provider.UpstreamRequest r) {
          throw new UnsupportedOperationException();
        }
      });
    }
    ModelRouter router = new ModelRouter(config, providers, Strategies.create(config));
    io.switchboard.routing.RequestFacts facts = io.switchboard.routing.RequestFacts.of(model, router.resolveAlias(model),
        io.switchboard.api.Json.object().put("model", model));
    return router.route(model, Operation.CHAT, new io.switchboard.routing.RoutingContext(facts,
        new io.switchboard.routing.LocalTargetStats(), RandomGenerator.of("L64X128MixRandom"))).stream()
        .map((Candidate c) -> c.provider().key() + " -> " + c.upstreamModel())
        .toList();
  }
}
