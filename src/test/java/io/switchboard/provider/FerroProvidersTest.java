package io.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ferro 1.5.9's providers, each as Ferro registers it: from Ferro's variables alone, under Ferro's name (which a
 * Ferro config's {@code targets[].virtual_key} uses), with {@code <P>_BASE_URL} (or Ferro's other address
 * variable) set to a bare host. The request line and auth header expected here are what the Ferro binary sent
 * to a listening mock for the same variables (its path for a bare host is its default root's version segment).
 */
class FerroProvidersTest {
  /**
   * @param env the provider's variables; {@code URL} stands for the mock's bare address
   * @param path the request line's target Ferro sent for a chat with {@code model}
   * @param authHeader the header carrying the key, and its value
   */
  record Row(String name, Map<String, String> env, String model, String path, String authHeader, String auth) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String URL = "{url}";

  static final List<Row> ROWS = List.of(
      bearer("openai", "OPENAI", "gpt-4o", "/v1/chat/completions"),
      new Row("anthropic", Map.of("ANTHROPIC_API_KEY", "k", "ANTHROPIC_BASE_URL", URL), "claude-sonnet-4-5",
          "/v1/messages", "x-api-key", "k"),
      bearer("xai", "XAI", "grok-4", "/v1/chat/completions"),
      new Row("gemini", Map.of("GEMINI_API_KEY", "k", "GEMINI_BASE_URL", URL), "gemini-2.0-flash",
          "/v1beta/models/gemini-2.0-flash:generateContent", "x-goog-api-key", "k"),
      bearer("mistral", "MISTRAL", "mistral-large-latest", "/v1/chat/completions"),
      bearer("groq", "GROQ", "llama-3.3-70b-versatile", "/v1/chat/completions"),
      bearer("together", "TOGETHER", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "/v1/chat/completions"),
      bearer("cohere", "COHERE", "command-r-plus", "/v2/chat"),
      bearer("deepseek", "DEEPSEEK", "deepseek-chat", "/v1/chat/completions"),
      bearer("perplexity", "PERPLEXITY", "sonar", "/chat/completions"),
      bearer("fireworks", "FIREWORKS", "accounts/fireworks/models/llama-v3p3-70b-instruct", "/v1/chat/completions"),
      bearer("ai21", "AI21", "jamba-large", "/v1/chat/completions"),
      new Row("replicate", Map.of("REPLICATE_API_TOKEN", "k", "REPLICATE_BASE_URL", URL,
          "REPLICATE_TEXT_MODELS", "meta/meta-llama-3-8b-instruct"), "meta/meta-llama-3-8b-instruct",
          "/v1/models/meta/meta-llama-3-8b-instruct/predictions", "authorization", "Bearer k"),
      new Row("azure-openai", Map.of("AZURE_OPENAI_API_KEY", "k", "AZURE_OPENAI_ENDPOINT", URL,
          "AZURE_OPENAI_DEPLOYMENT", "dep1"), "gpt-4o", "/openai/deployments/dep1/chat/completions?api-version=2024-10-21",
          "api-key", "k"),
      new Row("azure-foundry", Map.of("AZURE_FOUNDRY_API_KEY", "k", "AZURE_FOUNDRY_ENDPOINT", URL), "gpt-4o",
          "/openai/v1/chat/completions", "api-key", "k"),
      new Row("hugging-face", Map.of("HUGGING_FACE_API_KEY", "k", "HUGGING_FACE_ENDPOINT", URL),
          "meta-llama/Llama-3.1-8B-Instruct", "/chat/completions", "authorization", "Bearer k"),
      new Row("ollama", Map.of("OLLAMA_HOST", URL), "llama3", "/v1/chat/completions", null, null),
      new Row("ollama-cloud", Map.of("OLLAMA_API_KEY", "k", "OLLAMA_CLOUD_BASE_URL", URL), "gpt-oss:120b",
          "/v1/chat/completions", "authorization", "Bearer k"),
      bearer("cerebras", "CEREBRAS", "llama3.1-8b", "/v1/chat/completions"),
      new Row("cloudflare", Map.of("CLOUDFLARE_API_KEY", "k", "CLOUDFLARE_ACCOUNT_ID", "acc1",
          "CLOUDFLARE_BASE_URL", URL), "@cf/meta/llama-3.1-8b-instruct", "/v1/chat/completions", "authorization",
          "Bearer k"),
      new Row("databricks", Map.of("DATABRICKS_TOKEN", "k", "DATABRICKS_HOST", URL),
          "databricks-meta-llama-3-3-70b-instruct", "/serving-endpoints/chat/completions", "authorization", "Bearer k"),
      bearer("deepinfra", "DEEPINFRA", "meta-llama/Meta-Llama-3.1-8B-Instruct", "/chat/completions"),
      bearer("moonshot", "MOONSHOT", "moonshot-v1-8k", "/v1/chat/completions"),
      bearer("novita", "NOVITA", "meta-llama/llama-3.1-8b-instruct", "/v1/chat/completions"),
      bearer("nvidia-nim", "NVIDIA_NIM", "meta/llama-3.1-8b-instruct", "/v1/chat/completions"),
      bearer("openrouter", "OPENROUTER", "openai/gpt-4o", "/v1/chat/completions"),
      bearer("qwen", "QWEN", "qwen-plus", "/v1/chat/completions"),
      bearer("sambanova", "SAMBANOVA", "Meta-Llama-3.1-8B-Instruct", "/v1/chat/completions"));

  /** Vertex AI and Bedrock take no base URL variable in Ferro: their registration is checked below and in Vertex's tests. */
  static final List<String> WITHOUT_BASE_URL = List.of("vertex-ai", "bedrock");

  static Row bearer(String name, String prefix, String model, String path) {
    return new Row(name, Map.of(prefix + "_API_KEY", "k", prefix + "_BASE_URL", URL), model, path, "authorization",
        "Bearer k");
  }

  record Received(String uri, MultiMap headers) {}

  static Vertx vertx;
  static HttpServer mock;
  static HttpClient client;
  static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    mock = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      RECEIVED.add(new Received(req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers())));
      req.response().setStatusCode(500).putHeader("content-type", "application/json")
          .end("{\"error\":{\"message\":\"probe\"}}");
    })).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static Stream<Row> rows() {
    return ROWS.stream();
  }

  static Map<String, String> env(Row row, String url) {
    Map<String, String> env = new HashMap<>();
    row.env().forEach((k, v) -> env.put(k, v.replace(URL, url)));
    return env;
  }

  static String ferroConfig(String name) {
    return "strategy: {mode: single}\ntargets:\n  - virtual_key: " + name + "\n";
  }

  @Test
  void everyOneOfFerrosThirtyNamesIsCovered() {
    assertThat(Stream.concat(ROWS.stream().map(Row::name), WITHOUT_BASE_URL.stream()).distinct())
        .hasSize(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void registeredFromFerrosVariablesUnderFerrosName(Row row) {
    GatewayConfig config = ConfigLoader.parse(ferroConfig(row.name()), env(row, "http://127.0.0.1:9"));
    assertThat(config.providers()).extracting(GatewayConfig.Provider::key).containsExactly(row.name());
    assertThat(config.targets()).extracting(GatewayConfig.Target::virtualKey).containsExactly(row.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void aBareHostIsCalledAtFerrosPathWithFerrosAuth(Row row) throws Exception {
    String url = "http://127.0.0.1:" + mock.actualPort();
    GatewayConfig gateway = ConfigLoader.parse(ferroConfig(row.name()), env(row, url));
    ChatProvider provider = (ChatProvider) ProviderRegistry.create(gateway.providers().getFirst(), gateway, vertx,
        client);
    ObjectNode body = Json.object().put("model", row.model());
    body.putArray("messages").addObject().put("role", "user").put("content", "hi");
    RECEIVED.clear();
    Promise<UpstreamResponse> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> provider.chat(
        new UpstreamRequest(body, Json.buffer(body), row.model(), false, "r1")).onComplete(done));
    try {
      done.future().await(10, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // The mock answers 500: only what was sent matters here.
    }
    assertThat(RECEIVED).hasSize(1);
    Received got = RECEIVED.getFirst();
    assertThat(got.uri()).isEqualTo(row.path());
    if (row.authHeader() == null) {
      assertThat(got.headers().contains("authorization")).isFalse();
    } else {
      assertThat(got.headers().get(row.authHeader())).isEqualTo(row.auth());
    }
  }

  /**
   * The variables Ferro needs set before it registers each provider that needs more than its key. Azure OpenAI
   * also needs AZURE_OPENAI_DEPLOYMENT in Ferro; Switchboard registers it without one (the deployment is then the
   * request's model, as in a providers entry), a deliberate difference.
   */
  static final Map<String, List<String>> REQUIRED = Map.of(
      "cloudflare", List.of("CLOUDFLARE_API_KEY", "CLOUDFLARE_ACCOUNT_ID"),
      "databricks", List.of("DATABRICKS_TOKEN", "DATABRICKS_HOST"),
      "azure-openai", List.of("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"),
      "azure-foundry", List.of("AZURE_FOUNDRY_API_KEY", "AZURE_FOUNDRY_ENDPOINT"));

  static List<String> required(Row row) {
    return REQUIRED.getOrDefault(row.name(), row.env().keySet().stream()
        .filter(n -> n.endsWith("_API_KEY") || n.endsWith("_API_TOKEN") || n.equals("OLLAMA_HOST")).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void registeredFromItsRequiredVariablesAndNotFromAnyOtherAlone(Row row) {
    Map<String, String> all = env(row, "http://127.0.0.1:9");
    Map<String, String> needed = new HashMap<>();
    required(row).forEach(n -> needed.put(n, all.get(n)));
    assertThat(ConfigLoader.parse(ferroConfig(row.name()), needed).providers())
        .extracting(GatewayConfig.Provider::key).containsExactly(row.name());
    for (Map.Entry<String, String> e : all.entrySet()) {
      if (required(row).equals(List.of(e.getKey()))) {
        continue;
      }
      assertThatThrownBy(() -> ConfigLoader.parse(ferroConfig(row.name()), Map.of(e.getKey(), e.getValue())))
          .as(e.getKey()).isInstanceOf(ConfigException.class).hasMessageContaining("no providers configured");
    }
  }

  @Test
  void switchboardsOwnSpellingsStillRegisterUnderTheirPresetsName() {
    assertThat(keys(Map.of("DASHSCOPE_API_KEY", "k"))).containsExactly("qwen");
    assertThat(keys(Map.of("HUGGINGFACE_API_KEY", "k"))).containsExactly("hugging-face");
    assertThat(keys(Map.of("OLLAMA_BASE_URL", "http://127.0.0.1:9/v1"))).containsExactly("ollama");
    assertThat(keys(Map.of("AZURE_AI_API_KEY", "k", "AZURE_AI_RESOURCE", "res"))).containsExactly("azure-foundry");
    // Incidental tokens of other tools add nothing.
    assertThatThrownBy(() -> keys(Map.of("HF_TOKEN", "k", "REPLICATE_API_KEY", "k", "CLOUDFLARE_API_TOKEN", "k")))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void vertexAiWithFerrosApiKeySendsItAsXGoogApiKey() throws Exception {
    String url = "http://127.0.0.1:" + mock.actualPort();
    Map<String, String> env = Map.of("VERTEX_AI_PROJECT_ID", "p1", "VERTEX_AI_REGION", "us-central1",
        "VERTEX_AI_API_KEY", "vk", "VERTEX_AI_BASE_URL", url);
    GatewayConfig gateway = ConfigLoader.parse(ferroConfig("vertex-ai"), env);
    assertThat(gateway.providers()).extracting(GatewayConfig.Provider::key).containsExactly("vertex-ai");
    ChatProvider provider = (ChatProvider) ProviderRegistry.create(gateway.providers().getFirst(), gateway, vertx,
        client);
    ObjectNode body = Json.object().put("model", "gemini-2.0-flash");
    body.putArray("messages").addObject().put("role", "user").put("content", "hi");
    RECEIVED.clear();
    Promise<UpstreamResponse> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> provider.chat(
        new UpstreamRequest(body, Json.buffer(body), "gemini-2.0-flash", false, "r1")).onComplete(done));
    try {
      done.future().await(10, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // The mock answers 500.
    }
    assertThat(RECEIVED).hasSize(1);
    assertThat(RECEIVED.getFirst().uri())
        .isEqualTo("/v1/projects/p1/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent");
    assertThat(RECEIVED.getFirst().headers().get("x-goog-api-key")).isEqualTo("vk");
    assertThat(RECEIVED.getFirst().headers().contains("authorization")).isFalse();
    // The project alone registers it, as in Ferro: it signs in with Application Default Credentials.
    assertThat(keys(Map.of("VERTEX_AI_PROJECT_ID", "p1", "NO_GCE_CHECK", "true"))).containsExactly("vertex-ai");
  }

  @Test
  void bedrockRegistersFromFerrosVariables() {
    assertThat(keys(Map.of("AWS_REGION", "us-east-1", "AWS_BEARER_TOKEN_BEDROCK", "k"))).containsExactly("bedrock");
  }

  static List<String> keys(Map<String, String> env) {
    return ConfigLoader.parse("server: {port: 0}", env).providers().stream().map(GatewayConfig.Provider::key)
        .toList();
  }
}
