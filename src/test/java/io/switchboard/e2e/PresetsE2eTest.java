package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.models.Model;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Presets through a real gateway: quirks applied on the wire, the model list with capabilities as the official
 * client reads it, and no request field, header or model name that moves a request to another host or path.
 */
class PresetsE2eTest extends E2eResources {
  static final String COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(int port, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void mistralsQuirksAreAppliedOnTheWireAndRejectNamesTheParam() throws Exception {
    MockUpstream mistral = upstream().always(json(200, COMPLETION));
    int port = gateway("""
        providers:
          - {key: mistral, provider: mistral, api_key: ms-key, base_url: "%s/v1"}
        """.formatted(mistral.url()));
    HttpResponse<String> ok = post(port, "/v1/chat/completions", "{\"model\":\"mistral-small-latest\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":5,\"seed\":1,"
        + "\"logit_bias\":{\"1\":1}}");
    assertThat(ok.statusCode()).isEqualTo(200);
    MockUpstream.Received got = mistral.received().getLast();
    assertThat(got.path()).isEqualTo("/v1/chat/completions");
    assertThat(got.headers().get("authorization")).isEqualTo("Bearer ms-key");
    assertThat(got.body().has("max_tokens")).isTrue();
    assertThat(got.body().has("random_seed")).isTrue();
    assertThat(got.body().has("max_completion_tokens") || got.body().has("seed") || got.body().has("logit_bias"))
        .isFalse();

    int strict = gateway("""
        compatibility: {on_unsupported_param: reject}
        providers:
          - {key: mistral, provider: mistral, api_key: ms-key, base_url: "%s/v1"}
        """.formatted(mistral.url()));
    int before = mistral.received().size();
    HttpResponse<String> refused = post(strict, "/v1/chat/completions", "{\"model\":\"mistral-small-latest\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"1\":1}}");
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode error = Json.parseOrNull(Buffer.buffer(refused.body())).path("error");
    assertThat(error.path("param").asText()).isEqualTo("logit_bias");
    assertThat(error.path("message").asText()).isEqualTo("Parameter 'logit_bias' is not supported by provider mistral.");
    assertThat(mistral.received()).hasSize(before);
  }

  @Test
  void streamOptionsTheGatewayAddsForItsPluginsAreTakenOutForMistralUnderReject() throws Exception {
    String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}]}";
    String last = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
    MockUpstream mistral = upstream().always(MockUpstream.sse(List.of("data: " + chunk + "\n\n", "data: " + last + "\n\n",
        "data: [DONE]\n\n")));
    // The budget plugin counts tokens, so the gateway asks the stream for usage.
    int port = gateway("""
        compatibility: {on_unsupported_param: reject}
        providers:
          - {key: mistral, provider: mistral, api_key: ms-key, base_url: "%s/v1"}
        plugins:
          - {name: budget, type: budget, stage: before_request, config: {spend_limit_usd: 5}}
        """.formatted(mistral.url()));
    HttpResponse<String> r = post(port, "/v1/chat/completions", "{\"model\":\"mistral-small-latest\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"content\":\"ok\"").contains("data: [DONE]");
    assertThat(mistral.received().getLast().body().has("stream_options")).isFalse();

    // The same gateway setup in front of a server that takes stream_options: the gateway did ask for usage.
    int groqPort = gateway("""
        compatibility: {on_unsupported_param: reject}
        providers:
          - {key: groq, provider: groq, api_key: k, base_url: "%s/v1"}
        plugins:
          - {name: budget, type: budget, stage: before_request, config: {spend_limit_usd: 5}}
        """.formatted(mistral.url()));
    assertThat(post(groqPort, "/v1/chat/completions", "{\"model\":\"llama-3.3-70b-versatile\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}").statusCode()).isEqualTo(200);
    assertThat(mistral.received().getLast().body().path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void modelsListShowsEachProvidersKnownModelsWithCapabilitiesThroughTheOfficialClient() throws Exception {
    MockUpstream up = upstream();
    int port = gateway("""
        providers:
          - {key: groq, provider: groq, api_key: k, base_url: "%1$s"}
          - {key: voyage, provider: voyage, api_key: k, base_url: "%1$s"}
          - {key: local, provider: ollama, base_url: "%1$s", models: [llama3.2]}
        aliases: {fast: llama-3.3-70b-versatile}
        """.formatted(up.url()));
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-x")
        .maxRetries(0).timeout(Duration.ofSeconds(15)).build();
    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertThat(ids).contains("llama-3.3-70b-versatile", "openai/gpt-oss-120b", "voyage-3.5", "llama3.2", "fast");
    Model groq = client.models().retrieve("llama-3.3-70b-versatile");
    assertThat(groq.ownedBy()).isEqualTo("groq");
    JsonNode raw = Json.parseOrNull(Buffer.buffer(http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString()).body()));
    assertThat(entry(raw, "llama-3.3-70b-versatile").path("context_window").asInt()).isEqualTo(131072);
    assertThat(entry(raw, "llama-3.3-70b-versatile").path("capabilities").toString())
        .isEqualTo("{\"chat\":true,\"streaming\":true,\"tools\":true,\"vision\":false,\"embeddings\":false}");
    assertThat(entry(raw, "voyage-3.5").path("capabilities").path("embeddings").asBoolean()).isTrue();
    assertThat(entry(raw, "voyage-3.5").path("capabilities").path("chat").asBoolean()).isFalse();
    assertThat(entry(raw, "fast").path("owned_by").asText()).isEqualTo("alias");
    assertThat(entry(raw, "fast").path("context_window").asInt()).isEqualTo(131072);
    assertThat(entry(raw, "llama3.2").path("capabilities").isNull()).isTrue();
  }

  private static JsonNode entry(JsonNode list, String id) {
    for (JsonNode m : list.path("data")) {
      if (m.path("id").asText().equals(id)) {
        return m;
      }
    }
    throw new AssertionError("no model " + id + " in " + list);
  }

  @Test
  void noRequestFieldHeaderOrModelNameMovesTheRequestToAnotherHostOrPath() throws Exception {
    MockUpstream groq = upstream().always(json(200, COMPLETION));
    MockUpstream elsewhere = upstream().always(json(200, COMPLETION));
    int port = gateway("""
        providers:
          - {key: groq, provider: groq, api_key: k, base_url: "%s/openai/v1"}
        """.formatted(groq.url()));
    String other = elsewhere.url();
    List<String> models = List.of(other + "/v1", "../../admin", "..%2F..%2Fadmin", "groq/../../admin",
        "groq/" + other, "a?b#c", "//" + other.substring("http://".length()) + "/x");
    for (String model : models) {
      HttpResponse<String> r = post(port, "/v1/chat/completions", "{\"model\":" + Json.string(Json.object()
              .put("m", model)).substring(5, Json.string(Json.object().put("m", model)).length() - 1)
              + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"base_url\":\"" + other + "\",\"api_base\":\"" + other + "\"}",
          "x-portkey-custom-host", other, "x-switchboard-base-url", other, "x-forwarded-host",
          other.substring("http://".length()), "x-api-base", other);
      // The groq preset serves any model: each is sent to its one configured host and path, as a body field.
      assertThat(r.statusCode()).as(model + ": " + r.body()).isEqualTo(200);
      assertThat(groq.received().getLast().path()).as(model).isEqualTo("/openai/v1/chat/completions");
    }
    assertThat(groq.received()).hasSize(models.size());
    assertThat(elsewhere.received()).isEmpty();
  }
}
