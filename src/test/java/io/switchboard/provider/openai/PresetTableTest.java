package io.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.Preset;
import io.switchboard.config.Presets;
import io.switchboard.config.ProviderType;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.ProviderRegistry;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every preset: it resolves from its name and its aliases, builds its provider's documented API root, sends
 * the key the way that provider expects, and a chat reaches a mock standing in for its base URL. The expected
 * values are written here from each provider's documentation, not read from the presets file.
 */
class PresetTableTest {
  /** How the key travels. */
  enum Auth { BEARER, API_KEY_HEADER, NONE }

  record Row(String name, List<String> aliases, String baseUrl, Auth auth, String keyVariable) {}

  static final String ACCOUNT = "0123abcd";
  static final String WORKSPACE = "adb-1234567890123456.7.azuredatabricks.net";
  static final String RESOURCE = "contoso-ai";
  static final String VLLM = "http://vllm.internal:8000/v1";

  static final List<Row> ROWS = List.of(
      new Row("mistral", List.of(), "https://api.mistral.ai/v1", Auth.BEARER, "MISTRAL_API_KEY"),
      new Row("groq", List.of(), "https://api.groq.com/openai/v1", Auth.BEARER, "GROQ_API_KEY"),
      new Row("together", List.of("together_ai"), "https://api.together.ai/v1", Auth.BEARER, "TOGETHER_API_KEY"),
      new Row("fireworks", List.of("fireworks_ai"), "https://api.fireworks.ai/inference/v1", Auth.BEARER,
          "FIREWORKS_API_KEY"),
      new Row("deepseek", List.of(), "https://api.deepseek.com/v1", Auth.BEARER, "DEEPSEEK_API_KEY"),
      new Row("xai", List.of(), "https://api.x.ai/v1", Auth.BEARER, "XAI_API_KEY"),
      new Row("perplexity", List.of(), "https://api.perplexity.ai", Auth.BEARER, "PERPLEXITY_API_KEY"),
      new Row("openrouter", List.of(), "https://openrouter.ai/api/v1", Auth.BEARER, "OPENROUTER_API_KEY"),
      new Row("cerebras", List.of(), "https://api.cerebras.ai/v1", Auth.BEARER, "CEREBRAS_API_KEY"),
      new Row("deepinfra", List.of(), "https://api.deepinfra.com/v1/openai", Auth.BEARER, "DEEPINFRA_API_KEY"),
      new Row("sambanova", List.of(), "https://api.sambanova.ai/v1", Auth.BEARER, "SAMBANOVA_API_KEY"),
      new Row("nvidia-nim", List.of("nvidia_nim"), "https://integrate.api.nvidia.com/v1", Auth.BEARER,
          "NVIDIA_NIM_API_KEY"),
      new Row("hugging-face", List.of("huggingface"), "https://router.huggingface.co/v1", Auth.BEARER, "HF_TOKEN"),
      new Row("moonshot", List.of(), "https://api.moonshot.ai/v1", Auth.BEARER, "MOONSHOT_API_KEY"),
      new Row("novita", List.of(), "https://api.novita.ai/openai/v1", Auth.BEARER, "NOVITA_API_KEY"),
      new Row("qwen", List.of("dashscope"), "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", Auth.BEARER,
          "QWEN_API_KEY"),
      new Row("ai21", List.of(), "https://api.ai21.com/studio/v1", Auth.BEARER, "AI21_API_KEY"),
      new Row("cloudflare", List.of("workers-ai", "workers_ai"),
          "https://api.cloudflare.com/client/v4/accounts/" + ACCOUNT + "/ai/v1", Auth.BEARER, "CLOUDFLARE_API_TOKEN"),
      new Row("databricks", List.of(), "https://" + WORKSPACE + "/serving-endpoints", Auth.BEARER,
          "DATABRICKS_TOKEN"),
      new Row("azure-foundry", List.of("azure_ai"), "https://" + RESOURCE + ".services.ai.azure.com/openai/v1",
          Auth.API_KEY_HEADER, "AZURE_AI_API_KEY"),
      new Row("github-models", List.of("github"), "https://models.github.ai/inference", Auth.BEARER, "GITHUB_TOKEN"),
      new Row("hyperbolic", List.of(), "https://api.hyperbolic.xyz/v1", Auth.BEARER, "HYPERBOLIC_API_KEY"),
      new Row("nebius", List.of(), "https://api.tokenfactory.nebius.com/v1", Auth.BEARER, "NEBIUS_API_KEY"),
      new Row("scaleway", List.of(), "https://api.scaleway.ai/v1", Auth.BEARER, "SCW_SECRET_KEY"),
      new Row("featherless", List.of("featherless_ai"), "https://api.featherless.ai/v1", Auth.BEARER,
          "FEATHERLESS_API_KEY"),
      new Row("baseten", List.of(), "https://inference.baseten.co/v1", Auth.BEARER, "BASETEN_API_KEY"),
      new Row("friendli", List.of("friendliai"), "https://api.friendli.ai/serverless/v1", Auth.BEARER,
          "FRIENDLI_TOKEN"),
      new Row("venice", List.of(), "https://api.venice.ai/api/v1", Auth.BEARER, "VENICE_API_KEY"),
      new Row("zai", List.of("z-ai"), "https://api.z.ai/api/paas/v4", Auth.BEARER, "ZAI_API_KEY"),
      new Row("minimax", List.of(), "https://api.minimax.io/v1", Auth.BEARER, "MINIMAX_API_KEY"),
      new Row("siliconflow", List.of(), "https://api.siliconflow.com/v1", Auth.BEARER, "SILICONFLOW_API_KEY"),
      new Row("voyage", List.of("voyageai"), "https://api.voyageai.com/v1", Auth.BEARER, "VOYAGE_API_KEY"),
      new Row("jina", List.of("jina_ai"), "https://api.jina.ai/v1", Auth.BEARER, "JINA_API_KEY"),
      new Row("ollama", List.of("ollama_chat"), "http://localhost:11434/v1", Auth.NONE, null),
      new Row("ollama-cloud", List.of(), "https://ollama.com/v1", Auth.BEARER, "OLLAMA_API_KEY"),
      new Row("vllm", List.of("hosted_vllm"), VLLM, Auth.BEARER, "VLLM_API_KEY"),
      new Row("lm-studio", List.of("lm_studio"), "http://localhost:1234/v1", Auth.BEARER, "LM_STUDIO_API_KEY"),
      new Row("llamacpp", List.of("llama-cpp"), "http://localhost:8080/v1", Auth.BEARER, "LLAMACPP_API_KEY"),
      new Row("llamafile", List.of(), "http://localhost:8080/v1", Auth.BEARER, "LLAMAFILE_API_KEY"),
      new Row("xinference", List.of(), "http://localhost:9997/v1", Auth.BEARER, "XINFERENCE_API_KEY"));

  static OpenAiMock mock;
  static Vertx vertx;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    mock = new OpenAiMock();
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    mock.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Stream<Row> rows() {
    return ROWS.stream();
  }

  @Test
  void theTableCoversEveryPresetAndThereAreAtLeastThirty() {
    assertThat(ROWS.stream().map(Row::name).toList())
        .containsExactlyInAnyOrderElementsOf(Presets.all().stream().map(Preset::name).toList());
    assertThat(ROWS).hasSizeGreaterThanOrEqualTo(30);
  }

  @Test
  void theProvidersPageListsEveryPreset() throws Exception {
    String page = java.nio.file.Files.readString(java.nio.file.Path.of("docs/providers/README.md"));
    for (Preset p : Presets.all()) {
      assertThat(page).as(p.name()).contains("| `" + p.name() + "` |");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void resolvesFromItsNameAndAliasesWithItsDocumentedBaseUrl(Row row) {
    for (String name : Stream.concat(Stream.of(row.name()), row.aliases().stream()).toList()) {
      GatewayConfig.Provider p = load(row, name);
      assertThat(p.type()).isEqualTo(ProviderType.OPENAI_COMPATIBLE);
      assertThat(p.preset().name()).as(name).isEqualTo(row.name());
      assertThat(p.baseUrl()).as(name).isEqualTo(row.baseUrl());
      if (row.keyVariable() != null) {
        assertThat(p.apiKey().value()).as(name).isEqualTo(key(row));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void authenticatesAsItsProviderExpectsAndAChatReachesTheMock(Row row) throws Exception {
    GatewayConfig gateway = ConfigLoader.parse(config(row, row.name()), env(row));
    // The mock stands in for the API root, under a path of its own to show the root's path is kept.
    GatewayConfig.Provider p = gateway.providers().getFirst().withBaseUrl(mock.url() + "/" + row.name() + "/v9");
    ChatProvider provider = (ChatProvider) ProviderRegistry.create(p, gateway, vertx, client);
    ObjectNode body = Json.object().put("model", "some-model");
    body.putArray("messages").addObject().put("role", "user").put("content", "hello");
    Buffer bytes = Json.buffer(body);

    UpstreamResponse response = onEventLoop(() -> provider.chat(new UpstreamRequest(body, bytes, "some-model",
        false, "r1")));

    assertThat(((UpstreamResponse.Complete) response).body().toString()).isEqualTo(OpenAiMock.COMPLETION);
    OpenAiMock.Received got = mock.last();
    assertThat(got.path()).isEqualTo("/" + row.name() + "/v9/chat/completions");
    assertThat(got.body()).isEqualTo(bytes);  // the client's bytes, untouched
    switch (row.auth()) {
      case BEARER -> {
        assertThat(got.headers().get("authorization")).isEqualTo("Bearer " + key(row));
        assertThat(got.headers().contains("api-key")).isFalse();
      }
      case API_KEY_HEADER -> {
        assertThat(got.headers().get("api-key")).isEqualTo(key(row));
        assertThat(got.headers().contains("authorization")).isFalse();
      }
      case NONE -> {
        assertThat(got.headers().contains("authorization")).isFalse();
        assertThat(got.headers().contains("api-key")).isFalse();
      }
    }
  }

  @Test
  void aLocalServerWithoutAKeySendsNoAuthorization() throws Exception {
    GatewayConfig gateway = ConfigLoader.parse("providers: [{key: local, provider: lm-studio}]", Map.of());
    GatewayConfig.Provider p = gateway.providers().getFirst().withBaseUrl(mock.url());
    ChatProvider provider = (ChatProvider) ProviderRegistry.create(p, gateway, vertx, client);
    ObjectNode body = Json.object().put("model", "qwen");
    onEventLoop(() -> provider.chat(new UpstreamRequest(body, Json.buffer(body), "qwen", false, "r2")));
    assertThat(mock.last().headers().contains("authorization")).isFalse();
  }

  /** Providers are called on an event loop in the gateway; so here. */
  static <T> T onEventLoop(java.util.function.Supplier<io.vertx.core.Future<T>> call) throws Exception {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(done));
    return done.future().await(10, TimeUnit.SECONDS);
  }

  static GatewayConfig.Provider load(Row row, String name) {
    return ConfigLoader.parse(config(row, name), env(row)).providers().getFirst();
  }

  static String config(Row row, String name) {
    return "providers:\n  - key: p\n    provider: " + name + "\n"
        + (row.name().equals("vllm") ? "    base_url: " + VLLM + "\n" : "");
  }

  static String key(Row row) {
    return "key-for-" + row.name();
  }

  /** The key in the variable the provider's docs name; the per-account parts in theirs. */
  static Map<String, String> env(Row row) {
    Map<String, String> env = new HashMap<>();
    if (row.keyVariable() != null) {
      env.put(row.keyVariable(), key(row));
    }
    env.put("CLOUDFLARE_ACCOUNT_ID", ACCOUNT);
    env.put("DATABRICKS_HOST", "https://" + WORKSPACE + "/");
    env.put("AZURE_AI_RESOURCE", RESOURCE);
    return env;
  }
}
