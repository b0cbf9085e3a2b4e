package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import io.switchboard.config.ConfigLoader;
import io.switchboard.provider.vertex.TestKeys;
import io.switchboard.server.GatewayServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertex AI registered from Ferro's variables alone, signing in with Application Default Credentials: a
 * GOOGLE_APPLICATION_CREDENTIALS service-account file whose token_uri is the Google stand-in. NO_GCE_CHECK=true
 * and HOME in a temp dir: nothing reaches Google, a metadata server or the developer's gcloud login.
 */
@Timeout(30)
class VertexAdcE2eTest extends E2eResources {
  static final TestKeys KEYS = new TestKeys();
  static final String PREFIX = "/v1/projects/test-project/locations/europe-west4/publishers/";
  static final String TOKEN = "{\"access_token\":\"ya29.%s\",\"expires_in\":3599,\"token_type\":\"Bearer\"}";

  @TempDir Path dir;
  GoogleMock google;
  Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    google = new GoogleMock();
    closing.add(google);
    google.on("/oauth/adc", GoogleMock.json(200, TOKEN.formatted("adc-token")));
    google.on(":rawPredict", GoogleMock.json(200, resource("/providers/anthropic/vercel-ai/anthropic-text.json")));
    env = new HashMap<>(Map.of("VERTEX_AI_PROJECT_ID", "test-project", "VERTEX_AI_REGION", "europe-west4",
        "VERTEX_AI_BASE_URL", google.url(), "NO_GCE_CHECK", "true", "HOME", dir.toString()));
  }

  OpenAIClient gateway() throws Exception {
    GatewayServer server = GatewayServer.start(ConfigLoader.parse(
        "server: {port: 0, host: 127.0.0.1, event_loops: 2}\ntargets: [{virtual_key: vertex-ai}]\n", env))
        .await(10, TimeUnit.SECONDS);
    closing.add(() -> server.stop().await(10, TimeUnit.SECONDS));
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1")
        .apiKey("sk-client").maxRetries(0).timeout(Duration.ofSeconds(15)).build();
    closing.add(client::close);
    return client;
  }

  String accountFile(String name, String tokenPath) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, KEYS.serviceAccountJson(google.url() + tokenPath));
    return file.toString();
  }

  static com.openai.models.chat.completions.ChatCompletionCreateParams claude() {
    return com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
        .model("claude-sonnet-4-5@20250929").addUserMessage("Hello!").build();
  }

  @Test
  void requestsCarryTheTokenMintedFromGoogleApplicationCredentials() throws Exception {
    env.put("GOOGLE_APPLICATION_CREDENTIALS", accountFile("adc.json", "/oauth/adc"));
    OpenAIClient client = gateway();

    ChatCompletion completion = client.chat().completions().create(claude());
    client.chat().completions().create(claude());

    assertThat(completion.choices().getFirst().message().content()).hasValueSatisfying(c -> assertThat(c).isNotBlank());
    List<GoogleMock.Received> predictions = google.received(":rawPredict");
    assertThat(predictions).hasSize(2).allSatisfy(p -> {
      assertThat(p.path()).isEqualTo(PREFIX + "anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
      assertThat(p.headers().get("authorization")).isEqualTo("Bearer ya29.adc-token");
      assertThat(p.headers().contains("x-goog-api-key")).isFalse();
    });
    List<GoogleMock.Received> exchanges = google.received("/oauth/adc");
    assertThat(exchanges).as("one exchange for both event loops, cached for both requests").hasSize(1);
    // Google's library signed the assertion with the file's key, for the cloud-platform scope.
    String form = exchanges.getFirst().raw().toString();
    SignedJWT jwt = SignedJWT.parse(URLDecoder.decode(form.substring(form.indexOf("assertion=") + 10),
        StandardCharsets.UTF_8).split("&")[0]);
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) KEYS.pair.getPublic()))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getStringClaim("scope"))
        .isEqualTo("https://www.googleapis.com/auth/cloud-platform");
  }

  @Test
  void anExplicitServiceAccountWinsOverApplicationDefaultCredentials() throws Exception {
    google.on("/oauth/explicit", GoogleMock.json(200, TOKEN.formatted("explicit-token")));
    env.put("GOOGLE_APPLICATION_CREDENTIALS", accountFile("adc.json", "/oauth/adc"));
    env.put("VERTEX_AI_SERVICE_ACCOUNT_JSON", accountFile("explicit.json", "/oauth/explicit"));
    OpenAIClient client = gateway();

    client.chat().completions().create(claude());

    assertThat(google.received(":rawPredict").getFirst().headers().get("authorization"))
        .isEqualTo("Bearer ya29.explicit-token");
    assertThat(google.received("/oauth/adc")).isEmpty();
  }

  @Test
  void noCredentialsAnywhereIsAClearErrorNamingWhatWasTried() throws Exception {
    OpenAIClient client = gateway();

    assertThatThrownBy(() -> client.chat().completions().create(claude()))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(502);
          assertThat(e.getMessage()).contains("Could not get a Vertex AI access token for provider vertex-ai")
              .contains("no Google Application Default Credentials found")
              .contains("GOOGLE_APPLICATION_CREDENTIALS, gcloud's application_default_credentials.json")
              .doesNotContain(dir.toString());
        });
    assertThat(google.received(":rawPredict")).isEmpty();
  }
}
