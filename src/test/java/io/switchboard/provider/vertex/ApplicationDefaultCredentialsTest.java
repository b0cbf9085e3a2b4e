package io.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search for Application Default Credentials, from the gateway's environment, against a local token
 * endpoint. NO_GCE_CHECK=true everywhere: no test reaches Google or a metadata server.
 */
@Timeout(20)
class ApplicationDefaultCredentialsTest {
  private static final TestKeys KEYS = new TestKeys();
  @TempDir Path dir;
  private HttpServer server;
  private final List<String> forms = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", exchange -> {
      forms.add(URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
          StandardCharsets.UTF_8));
      byte[] body = "{\"access_token\":\"ya29.adc-token\",\"expires_in\":1800,\"token_type\":\"Bearer\"}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String tokenUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  @Test
  void aServiceAccountFileNamedByGoogleApplicationCredentials() throws Exception {
    Path file = dir.resolve("sa.json");
    Files.writeString(file, KEYS.serviceAccountJson(tokenUri()));
    ApplicationDefaultCredentials adc = new ApplicationDefaultCredentials(ApplicationDefaultCredentials.Search.from(
        Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString(), "NO_GCE_CHECK", "true")), Clock.systemUTC());
    Instant before = Instant.now();
    AdcTokens.Token token = adc.fetch();
    assertThat(token.value()).isEqualTo("ya29.adc-token");
    assertThat(token.expiresAt()).isBetween(before.plus(Duration.ofMinutes(29)), Instant.now().plusSeconds(1800));
    assertThat(forms).singleElement().asString().contains("grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer");
  }

  @Test
  void gcloudsUserCredentialsFromTheConfigDirectory() throws Exception {
    Path gcloud = Files.createDirectories(dir.resolve("gcloud"));
    Files.writeString(gcloud.resolve("application_default_credentials.json"), """
        {"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com", "client_secret": "cs",
         "refresh_token": "1//refresh", "token_uri": "%s"}""".formatted(tokenUri()));
    ApplicationDefaultCredentials adc = new ApplicationDefaultCredentials(ApplicationDefaultCredentials.Search.from(
        Map.of("CLOUDSDK_CONFIG", gcloud.toString(), "NO_GCE_CHECK", "true")), Clock.systemUTC());
    assertThat(adc.fetch().value()).isEqualTo("ya29.adc-token");
    assertThat(forms).singleElement().asString().contains("grant_type=refresh_token").contains("1//refresh");
  }

  @Test
  void nothingFoundNamesWhatWasTriedAndNoPath() {
    ApplicationDefaultCredentials adc = new ApplicationDefaultCredentials(ApplicationDefaultCredentials.Search.from(
        Map.of("HOME", dir.toString(), "NO_GCE_CHECK", "true")), Clock.systemUTC());
    assertThatThrownBy(adc::fetch).isInstanceOf(IOException.class)
        .hasMessageContaining("no Google Application Default Credentials found")
        .hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS, gcloud's application_default_credentials.json")
        .hasMessageContaining("skipped: NO_GCE_CHECK=true")
        .hasMessageNotContaining(dir.toString());
  }

  @Test
  void anUnusableFileIsNamedByItsVariableNotItsContent() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"type\": \"service_account\", \"private_key\": \"not-a-key-SECRETSECRET\"}");
    ApplicationDefaultCredentials adc = new ApplicationDefaultCredentials(ApplicationDefaultCredentials.Search.from(
        Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString(), "NO_GCE_CHECK", "true")), Clock.systemUTC());
    assertThatThrownBy(adc::fetch).isInstanceOf(IOException.class)
        .hasMessageStartingWith("GOOGLE_APPLICATION_CREDENTIALS cannot be used: ")
        .hasMessageNotContaining("SECRETSECRET").hasMessageNotContaining(file.toString());
  }

  @Test
  void theSearchReadsTheGatewaysEnvironment() {
    var search = ApplicationDefaultCredentials.Search.from(Map.of("HOME", "/home/u"));
    assertThat(search.file()).isNull();
    assertThat(search.gcloudFile()).isEqualTo(Path.of("/home/u/.config/gcloud/application_default_credentials.json"));
    assertThat(search.metadataServer()).isTrue();
    assertThat(ApplicationDefaultCredentials.Search.from(Map.of("NO_GCE_CHECK", "TRUE")).metadataServer()).isFalse();
  }
}
