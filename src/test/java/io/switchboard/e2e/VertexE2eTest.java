package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.switchboard.api.Json;
import io.switchboard.provider.vertex.TestKeys;
import io.vertx.core.buffer.Buffer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real gateway in front of a Vertex AI stand-in: the service-account token exchange, Anthropic models
 * through rawPredict, Gemini models through streamGenerateContent and text embedding models through predict,
 * under the project and region.
 */
@Timeout(30)
class VertexE2eTest extends E2eResources {
  static final TestKeys KEYS = new TestKeys();
  static final String PREFIX = "/v1/projects/test-project/locations/europe-west4/publishers/";

  GoogleMock google;
  OpenAIClient client;

  @BeforeEach
  void start() throws Exception {
    google = new GoogleMock();
    closing.add(google);
    google.on("/token", GoogleMock.json(200, "{\"access_token\":\"ya29.vertex-token\",\"expires_in\":3599,"
        + "\"token_type\":\"Bearer\"}"));
    String credentials = KEYS.serviceAccountJson(google.url() + "/token").replace("'", "''");
    int port = gateway("""
        providers:
          - key: vtx
            provider: vertex
            project: test-project
            region: europe-west4
            credentials: '%s'
            base_url: "%s"
            timeout: 5s
        """.formatted(credentials, google.url()));
    client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-client")
        .maxRetries(0).timeout(Duration.ofSeconds(15)).build();
    closing.add(client::close);
  }

  static ChatCompletionCreateParams.Builder chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Hello!");
  }

  @Test
  void claudeThroughRawPredictWithAnExchangedToken() throws Exception {
    google.on(":rawPredict", GoogleMock.json(200, resource("/providers/anthropic/vercel-ai/anthropic-text.json")));

    ChatCompletion completion = client.chat().completions().create(chat("claude-sonnet-4-5@20250929").build());
    client.chat().completions().create(chat("claude-sonnet-4-5@20250929").build());

    assertThat(completion.choices().getFirst().message().content()).contains(
        "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?");
    assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(29));

    List<GoogleMock.Received> tokenRequests = google.received("/token");
    assertThat(tokenRequests).as("the token is cached between requests").hasSize(1);
    String form = tokenRequests.getFirst().raw().toString();
    assertThat(form).startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
    SignedJWT jwt = SignedJWT.parse(URLDecoder.decode(form.substring(form.indexOf("assertion=") + 10),
        StandardCharsets.UTF_8));
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) KEYS.pair.getPublic()))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(google.url() + "/token");

    List<GoogleMock.Received> predictions = google.received(":rawPredict");
    assertThat(predictions).hasSize(2);
    GoogleMock.Received sent = predictions.getFirst();
    assertThat(sent.path()).isEqualTo(PREFIX + "anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer ya29.vertex-token");
    JsonNode body = sent.body();
    assertThat(body.has("model")).isFalse();
    assertThat(body.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
    assertThat(body.path("system").asText()).isEqualTo("Be brief.");
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
    assertThat(body.path("max_tokens").asInt()).isPositive();
  }

  @Test
  void geminiStreamsUnderTheProjectAndRegion() {
    google.on(":streamGenerateContent", GoogleMock.sse(resource(
        "/providers/gemini/vercel-ai/google-vertex-stream-tool-call-arguments-nested.1.chunks.txt")));

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("gemini-2.5-pro")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunks::add);
    }
    var calls = chunks.stream().flatMap(c -> c.choices().stream())
        .flatMap(c -> c.delta().toolCalls().stream().flatMap(List::stream)).toList();
    assertThat(calls.getFirst().function().flatMap(f -> f.name())).hasValue("cookRecipe");
    String arguments = calls.stream().map(c -> c.function().flatMap(f -> f.arguments()).orElse(""))
        .collect(Collectors.joining());
    assertThat(arguments).contains("\"name\":\"Lasagna\"").contains("\"Lasagna noodles\"");
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(31));

    GoogleMock.Received sent = google.received(":streamGenerateContent").getFirst();
    assertThat(sent.path()).isEqualTo(PREFIX + "google/models/gemini-2.5-pro:streamGenerateContent");
    assertThat(sent.query()).isEqualTo("alt=sse");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer ya29.vertex-token");
    assertThat(sent.body().at("/contents/0/parts/0/text").asText()).isEqualTo("Hello!");
  }

  @Test
  void aRefusedTokenExchangeIsA401WithoutSecrets() {
    google.on("/token", GoogleMock.json(400,
        "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}"));

    assertThatThrownBy(() -> client.chat().completions().create(chat("claude-sonnet-4-5@20250929").build()))
        .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
          assertThat(e.getMessage()).contains("invalid_grant").contains("vtx");
          String token = google.received("/token").getFirst().raw().toString();
          assertThat(e.body().toString()).doesNotContain(token.substring(token.lastIndexOf('.') + 1))
              .doesNotContain("PRIVATE KEY");
        });
    assertThat(google.received(":rawPredict")).isEmpty();
  }

  @Test
  void embeddingsThroughPredict() {
    // The shape of the Vertex AI REST reference's text embeddings answer.
    google.on(":predict", GoogleMock.json(200, """
        {"predictions":[
          {"embeddings":{"statistics":{"truncated":false,"token_count":5},"values":[0.25,-0.5,0.75]}},
          {"embeddings":{"statistics":{"truncated":false,"token_count":3},"values":[-0.125,0.0,1.0]}}],
         "metadata":{"billableCharacterCount":27}}"""));

    CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-005").inputOfArrayOfStrings(List.of("The quick brown fox", "jumps"))
        .dimensions(3).build());

    assertThat(response.data()).hasSize(2);
    // openai-java asks for base64 by default and decodes it back to floats.
    assertThat(response.data().get(0).embedding()).containsExactly(0.25f, -0.5f, 0.75f);
    assertThat(response.data().get(1).embedding()).containsExactly(-0.125f, 0.0f, 1.0f);
    assertThat(response.data().get(1).index()).isEqualTo(1);
    assertThat(response.model()).isEqualTo("text-embedding-005");
    assertThat(response.usage().promptTokens()).isEqualTo(8);
    assertThat(response.usage().totalTokens()).isEqualTo(8);

    GoogleMock.Received sent = google.received(":predict").getFirst();
    assertThat(sent.path()).isEqualTo(PREFIX + "google/models/text-embedding-005:predict");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer ya29.vertex-token");
    assertThat(sent.body()).isEqualTo(Json.parseOrNull(Buffer.buffer("""
        {"instances":[{"content":"The quick brown fox"},{"content":"jumps"}],
         "parameters":{"outputDimensionality":3}}""")));
  }

  @Test
  void embeddingErrorsAndModelsList() {
    google.on(":predict", GoogleMock.json(429, """
        {"error":{"code":429,"status":"RESOURCE_EXHAUSTED",
         "message":"Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model."}}"""));

    assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-005/../x").input("hi").build()))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
        .model("gemini-embedding-001").input("hi").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.getMessage()).contains("Quota exceeded")
            .doesNotContain("ya29.vertex-token"));
    assertThat(google.received(":predict")).hasSize(1);

    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertThat(ids).contains("text-embedding-005", "text-multilingual-embedding-002", "gemini-embedding-001",
        "gemini-2.5-pro", "claude-sonnet-4-5@20250929");
  }
}
