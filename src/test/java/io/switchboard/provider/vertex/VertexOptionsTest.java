package io.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.ProviderType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vertex AI's config fields, read and checked at load time. */
class VertexOptionsTest {
  private static final TestKeys KEYS = new TestKeys();
  @TempDir Path dir;

  @Test
  void registeredFromFerrosVariablesUnderFerrosName() throws Exception {
    Path file = dir.resolve("sa.json");
    Files.writeString(file, KEYS.serviceAccountJson("https://oauth2.googleapis.com/token"));
    GatewayConfig config = ConfigLoader.parse("targets: [{virtual_key: vertex-ai}]", Map.of(
        "VERTEX_AI_PROJECT_ID", "p1", "VERTEX_AI_REGION", "europe-west4",
        "VERTEX_AI_SERVICE_ACCOUNT_JSON", file.toString()));
    GatewayConfig.Provider p = config.providers().getFirst();
    assertThat(p.key()).isEqualTo("vertex-ai");
    assertThat(((VertexOptions) p.options()).defaultBaseUrl())
        .isEqualTo("https://europe-west4-aiplatform.googleapis.com/v1");
    // A bare host given as the base URL gets the /v1 root.
    GatewayConfig proxied = ConfigLoader.parse("targets: [{virtual_key: vertex-ai}]", Map.of(
        "VERTEX_AI_PROJECT_ID", "p1", "VERTEX_AI_SERVICE_ACCOUNT_JSON", file.toString(),
        "VERTEX_AI_BASE_URL", "https://vertex-proxy.internal"));
    assertThat(proxied.providers().getFirst().baseUrl()).isEqualTo("https://vertex-proxy.internal/v1");
  }

  @Test
  void fromAServiceAccountFile() throws Exception {
    Path file = dir.resolve("sa.json");
    Files.writeString(file, KEYS.serviceAccountJson("https://oauth2.googleapis.com/token"));
    GatewayConfig config = ConfigLoader.parse("""
        providers:
          - {key: vtx, provider: vertex_ai, project: my-project, credentials: "%s"}
        """.formatted(file), Map.of());
    GatewayConfig.Provider p = config.providers().getFirst();
    assertThat(p.type()).isEqualTo(ProviderType.VERTEX);
    VertexOptions options = (VertexOptions) p.options();
    assertThat(options.project()).isEqualTo("my-project");
    assertThat(options.region()).isEqualTo("us-central1");
    assertThat(options.defaultBaseUrl()).isEqualTo("https://us-central1-aiplatform.googleapis.com/v1");
    assertThat(options.credentials().clientEmail()).isEqualTo("gateway@test-project.iam.gserviceaccount.com");
    assertThat(options.credentials().privateKey().getEncoded()).isEqualTo(KEYS.pair.getPrivate().getEncoded());
    assertThat(options.toString()).doesNotContain(KEYS.privateKeyPem().substring(40, 80)).contains("<redacted>");
  }

  @Test
  void fromTheEnvironmentWithInlineJsonAndTheGlobalRegion() {
    Map<String, String> env = Map.of("VERTEX_AI_PROJECT_ID", "env-project", "VERTEX_AI_REGION", "global",
        "VERTEX_AI_CREDENTIALS", KEYS.serviceAccountJson("https://oauth2.googleapis.com/token"));
    GatewayConfig config = ConfigLoader.parse("server: {port: 0}\n", env);
    GatewayConfig.Provider p = config.providers().stream().filter(x -> x.type() == ProviderType.VERTEX).findFirst()
        .orElseThrow();
    VertexOptions options = (VertexOptions) p.options();
    assertThat(options.project()).isEqualTo("env-project");
    assertThat(options.defaultBaseUrl()).isEqualTo("https://aiplatform.googleapis.com/v1");
    assertThat(VertexOptions.fromEnvironment(Map.of("VERTEX_AI_REGION", "global"))).isEmpty();
  }

  @Test
  void theProjectAloneRegistersItWithApplicationDefaultCredentials() {
    assertThat(VertexOptions.fromEnvironment(Map.of("VERTEX_AI_PROJECT_ID", "p"))).isPresent();
    GatewayConfig config = ConfigLoader.parse("server: {port: 0}\n", Map.of("VERTEX_AI_PROJECT_ID", "p",
        "HOME", "/home/u", "NO_GCE_CHECK", "true"));
    VertexOptions options = (VertexOptions) config.providers().getFirst().options();
    assertThat(options.credentials()).isNull();
    assertThat(options.adc().file()).isNull();
    assertThat(options.adc().gcloudFile())
        .isEqualTo(Path.of("/home/u/.config/gcloud/application_default_credentials.json"));
    assertThat(options.adc().metadataServer()).isFalse();
  }

  @Test
  void explicitCredentialsAndApiKeysWinOverApplicationDefaultCredentials() throws Exception {
    Path file = dir.resolve("sa.json");
    Files.writeString(file, KEYS.serviceAccountJson("https://oauth2.googleapis.com/token"));
    Path other = dir.resolve("adc.json");
    Files.writeString(other, "{}");
    VertexOptions account = (VertexOptions) ConfigLoader.parse("server: {port: 0}\n", Map.of(
        "VERTEX_AI_PROJECT_ID", "p", "VERTEX_AI_SERVICE_ACCOUNT_JSON", file.toString(),
        "GOOGLE_APPLICATION_CREDENTIALS", other.toString())).providers().getFirst().options();
    assertThat(account.credentials()).isNotNull();
    assertThat(account.adc()).isNull();
    VertexOptions apiKey = (VertexOptions) ConfigLoader.parse("server: {port: 0}\n", Map.of(
        "VERTEX_AI_PROJECT_ID", "p", "VERTEX_AI_API_KEY", "vk",
        "GOOGLE_APPLICATION_CREDENTIALS", other.toString())).providers().getFirst().options();
    assertThat(apiKey.credentials()).isNull();
    assertThat(apiKey.adc()).isNull();
  }

  @Test
  void anUnreadableGoogleApplicationCredentialsFileIsAProblemAtLoadTime() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        providers:
          - {key: vtx, provider: vertex-ai, project: p1}
        """, Map.of("GOOGLE_APPLICATION_CREDENTIALS", dir.resolve("missing.json").toString())))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
            .startsWith("providers[0].credentials: is not set, so Application Default Credentials are used, but "
                + "GOOGLE_APPLICATION_CREDENTIALS does not name a readable file")
            .doesNotContain("missing.json"));
  }

  @Test
  void problemsNameTheFieldAndNeverQuoteTheKey() {
    String broken = KEYS.serviceAccountJson("https://oauth2.googleapis.com/token")
        .replace("MII", "@@@");  // no longer base64
    assertThatThrownBy(() -> ConfigLoader.parse("""
        providers:
          - {key: vtx, provider: vertex-ai, project: p1, credentials: '%s'}
        """.formatted(broken), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).singleElement().asString().contains("credentials").contains("private_key")
              .doesNotContain("@@@");
        });
    assertThatThrownBy(() -> ConfigLoader.parse("""
        providers:
          - {key: vtx, provider: vertex-ai, credentials: '{"type":"service_account","private_key":"x"}'}
        """, Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.contains("project") && p.contains("VERTEX_AI_PROJECT_ID"))
            .anyMatch(p -> p.contains("client_email")));
    assertThatThrownBy(() -> ConfigLoader.parse("""
        providers:
          - {key: vtx, provider: vertex-ai, project: p1, credentials: /nonexistent/sa.json}
        """, Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
            .isEqualTo("providers[0].credentials: names a service-account file that cannot be read (no such file)"));
  }
}
