package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.server.UpstreamClients;
import io.switchboard.testing.TestCertificates;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-provider TLS (a private CA, mTLS, insecure) and HTTP/2 to upstreams, through the real gateway, against mock
 * upstreams with certificates made at test time.
 */
@Timeout(30)
class UpstreamTlsE2eTest extends E2eResources {
  static final TestCertificates CERTS = TestCertificates.get();
  static final String OK = "/providers/openai/vercel-ai/openai-text.json";
  static final String STREAM = GatewayOpenAiJavaE2eTest.OPENAI_STREAM;
  static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  static final String STREAM_BODY = BODY.replace("}]}", "}],\"stream\":true}");

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An upstream serving the test server certificate; {@code alpn}: offers h2 as well as HTTP/1.1. */
  MockUpstream tlsUpstream(boolean alpn, boolean requireClientCert) throws Exception {
    return tlsUpstream(alpn, requireClientCert, CERTS.serverCert(), CERTS.serverKey());
  }

  MockUpstream tlsUpstream(boolean alpn, boolean requireClientCert, Path cert, Path key) throws Exception {
    HttpServerOptions options = new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
        .setUseAlpn(alpn);
    if (alpn) {
      options.setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    if (requireClientCert) {
      options.setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(new PemTrustOptions().addCertPath(CERTS.clientCert().toString()));
    }
    MockUpstream u = new MockUpstream(options);
    closing.add(u);
    return u;
  }

  HttpResponse<String> post(int port, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String provider(String key, MockUpstream upstream, String fields) {
    return "  - {key: %s, provider: openai, api_key: sk-test, base_url: \"%s/v1\"%s}\n"
        .formatted(key, upstream.url(), fields.isEmpty() ? "" : ", " + fields);
  }

  static String caFile() {
    return "tls: {ca_file: \"" + CERTS.serverCert() + "\"}";
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parseOrNull(Buffer.buffer(response.body())).path("error");
  }

  static List<HttpVersion> versions(MockUpstream upstream) {
    return upstream.received().stream().map(MockUpstream.Received::version).toList();
  }

  // ---- trust ----

  @Test
  void anUntrustedCertificateIsA502NamingTheTlsFailure() throws Exception {
    MockUpstream up = tlsUpstream(false, false).always(json(200, resource(OK)));
    int port = gateway("providers:\n" + provider("private", up, ""));

    long start = System.nanoTime();
    HttpResponse<String> response = post(port, BODY);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

    assertThat(response.statusCode()).isEqualTo(502);
    JsonNode error = error(response);
    assertThat(error.path("type").asText()).isEqualTo("api_error");
    assertThat(error.path("code").asText()).isEqualTo("upstream_connection_error");
    assertThat(error.path("message").asText()).isEqualTo("Could not reach provider private: TLS handshake "
        + "failed: unable to find valid certification path to requested target");
    assertThat(response.body()).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(up.received()).isEmpty();
  }

  @Test
  void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
    MockUpstream up = tlsUpstream(false, false, CERTS.otherCert(), CERTS.otherKey()).always(json(200, resource(OK)));
    int port = gateway("providers:\n" + provider("private", up, "tls: {ca_file: \"" + CERTS.otherCert() + "\"}"));

    HttpResponse<String> response = post(port, BODY);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(error(response).path("message").asText())
        .startsWith("Could not reach provider private: TLS handshake failed: ").contains("127.0.0.1");
    assertThat(up.received()).isEmpty();
  }

  @Test
  void tlsUpstreamsGoThroughBoringSslAndPlainOnesNeverLoadIt() throws Exception {
    // The native library ships for this platform: failing to load it (a tcnative version that does not match
    // Netty's) must fail here, not quietly fall back to the slower JDK engine.
    assertThat(OpenSSLEngineOptions.isAvailable()).as("BoringSSL loads").isTrue();
    MockUpstream up = tlsUpstream(false, false);
    assertThat(UpstreamClients.useBoringSsl(ConfigLoader.parse(
        "providers:\n" + provider("private", up, caFile()), Map.of()))).isTrue();
    assertThat(UpstreamClients.useBoringSsl(ConfigLoader.parse("""
        providers: [{key: local, provider: openai, api_key: sk-x, base_url: "http://127.0.0.1:1/v1"},
                    {key: m, provider: mock, models: [x]}]
        """, Map.of()))).isFalse();
  }

  @Test
  void withTheCaFileTheCallSucceeds() throws Exception {
    MockUpstream up = tlsUpstream(false, false).always(json(200, resource(OK)));
    int port = gateway("providers:\n" + provider("private", up, caFile()), 1);

    for (int i = 0; i < 5; i++) {
      assertThat(post(port, BODY).statusCode()).isEqualTo(200);
    }

    assertThat(versions(up)).hasSize(5).containsOnly(HttpVersion.HTTP_1_1);
    // One handshake: the per-request TLS options still find the pooled connection.
    assertThat(up.connections()).isEqualTo(1);
  }

  @Test
  void insecureSucceedsWithoutLettingAVerifyingProviderReuseItsConnections() throws Exception {
    MockUpstream up = tlsUpstream(false, false).always(json(200, resource(OK)));
    // Two providers on one upstream, one verifying: Vert.x pools by TLS options, which must tell them apart.
    int port = gateway("providers:\n"
        + provider("lab", up, "models: [lab-model], tls: {insecure: true}")
        + provider("strict", up, "models: [strict-model]"), 1);

    assertThat(post(port, BODY.replace("gpt-4o", "lab-model")).statusCode()).isEqualTo(200);
    assertThat(post(port, BODY.replace("gpt-4o", "lab-model")).statusCode()).isEqualTo(200);
    HttpResponse<String> strict = post(port, BODY.replace("gpt-4o", "strict-model"));

    assertThat(strict.statusCode()).isEqualTo(502);
    assertThat(error(strict).path("message").asText()).contains("provider strict: TLS handshake failed");
    assertThat(up.received()).hasSize(2);
  }

  @Test
  void anUpstreamRequiringAClientCertificateRejectsWithoutOneAndAcceptsWithIt() throws Exception {
    MockUpstream up = tlsUpstream(false, true).always(json(200, resource(OK)));
    int port = gateway("providers:\n"
        + provider("anonymous", up, "models: [anonymous-model], " + caFile())
        + provider("mtls", up, "models: [mtls-model], tls: {ca_file: \"%s\", cert_file: \"%s\", key_file: \"%s\"}"
            .formatted(CERTS.serverCert(), CERTS.clientCert(), CERTS.clientKey())));

    long start = System.nanoTime();
    HttpResponse<String> anonymous = post(port, BODY.replace("gpt-4o", "anonymous-model"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(anonymous.statusCode()).isEqualTo(502);
    assertThat(error(anonymous).path("code").asText()).isEqualTo("upstream_connection_error");
    assertThat(anonymous.body()).doesNotContain("\tat ");

    assertThat(post(port, BODY.replace("gpt-4o", "mtls-model")).statusCode()).isEqualTo(200);
    assertThat(up.received()).hasSize(1);
  }

  // ---- HTTP/2 ----

  @Test
  void http2OverTlsIsNegotiatedByAlpnAndOnlyWhenAskedFor() throws Exception {
    MockUpstream up = tlsUpstream(true, false).always(json(200, resource(OK)));
    int port = gateway("providers:\n"
        + provider("h2", up, "models: [h2-model], http2: true, " + caFile())
        + provider("h1", up, "models: [h1-model], " + caFile()));

    assertThat(post(port, BODY.replace("gpt-4o", "h2-model")).statusCode()).isEqualTo(200);
    assertThat(post(port, BODY.replace("gpt-4o", "h1-model")).statusCode()).isEqualTo(200);

    assertThat(versions(up)).containsExactly(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1);
  }

  @Test
  void concurrentCallsShareOneH2Connection() throws Exception {
    MockUpstream up = tlsUpstream(true, false).always(MockUpstream.sse(
        MockUpstream.rawEvents(resource(STREAM))));
    int port = gateway("providers:\n" + provider("h2", up, "http2: true, " + caFile()), 1);
    // One call first: a cold burst opens a connection per request until the first is up, as HTTP/1.1 would.
    assertThat(post(port, STREAM_BODY).statusCode()).isEqualTo(200);

    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 24; i++) {
        calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (var call : calls) {
        assertThat(call.get().statusCode()).isEqualTo(200);
      }
    }

    assertThat(versions(up)).hasSize(49).containsOnly(HttpVersion.HTTP_2);
    // The server takes 100 streams a connection: 24 at once fit in the one there is.
    assertThat(up.connections()).isEqualTo(1);
  }

  @Test
  void moreStreamsThanTheServerTakesPerConnectionOpenAtOnceOnMoreConnections() throws Exception {
    // A server that takes 2 streams per connection, and streams that last about 3 s: 40 held at once need 20
    // connections, more than a cold burst's few. Each must open (the gateway answers a stream once its first
    // upstream chunk is in) while the first ones are still running, not wait in the pool for one to end.
    List<String> events = MockUpstream.rawEvents(resource(STREAM));
    List<String> slow = new ArrayList<>(events.subList(0, 2));
    for (int i = 0; i < 1_000; i++) {
      slow.add(events.get(1));
    }
    slow.addAll(events.subList(2, events.size()));
    MockUpstream up = new MockUpstream(new HttpServerOptions()
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(2))).always(MockUpstream.sse(slow));
    closing.add(up);
    int port = gateway("providers:\n" + provider("h2c", up, "http2: true"), 1);

    HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long start = System.nanoTime();
    List<java.util.concurrent.CompletableFuture<HttpResponse<InputStream>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(h1.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY)).build(),
          HttpResponse.BodyHandlers.ofInputStream()));
    }
    for (var call : calls) {
      assertThat(call.get(2, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    long openedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertThat(up.openConnections()).isGreaterThanOrEqualTo(20);
    for (var call : calls) {
      call.get().body().close();
    }
    assertThat(openedMillis).as("all 40 open within").isLessThan(2_000);
    assertThat(versions(up)).hasSize(40).containsOnly(HttpVersion.HTTP_2);
  }

  @Test
  void http2FallsBackToHttp11WhenTheServerDoesNotOfferH2() throws Exception {
    MockUpstream up = tlsUpstream(false, false).always(json(200, resource(OK)));
    int port = gateway("providers:\n" + provider("h2", up, "http2: true, " + caFile()));

    assertThat(post(port, BODY).statusCode()).isEqualTo(200);
    assertThat(versions(up)).containsExactly(HttpVersion.HTTP_1_1);
  }

  @Test
  void http2OverPlainHttpIsH2cWithPriorKnowledge() throws Exception {
    MockUpstream up = upstream().always(json(200, resource(OK)));
    int port = gateway("providers:\n"
        + provider("h2c", up, "models: [h2-model], http2: true")
        + provider("h1", up, "models: [h1-model]"));

    assertThat(post(port, BODY.replace("gpt-4o", "h2-model")).statusCode()).isEqualTo(200);
    assertThat(post(port, BODY.replace("gpt-4o", "h1-model")).statusCode()).isEqualTo(200);

    assertThat(versions(up)).containsExactly(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1);
  }

  @Test
  void aStreamThroughH2ArrivesWhole() throws Exception {
    List<String> events = MockUpstream.rawEvents(resource(STREAM));
    MockUpstream up = tlsUpstream(true, false).always(MockUpstream.sse(events));
    int port = gateway("providers:\n" + provider("h2", up, "http2: true, " + caFile()));

    HttpResponse<String> response = post(port, STREAM_BODY);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(versions(up)).containsExactly(HttpVersion.HTTP_2);
    assertThat(dataLines(response.body())).isEqualTo(dataLines(String.join("", events)));
  }

  @Test
  void aClientLeavingAStreamResetsTheH2StreamUpstream() throws Exception {
    List<String> events = MockUpstream.rawEvents(resource(STREAM));
    List<String> endless = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      endless.add(events.get(1));  // a content delta every few milliseconds, for seconds
    }
    MockUpstream up = tlsUpstream(true, false).always(MockUpstream.sse(endless));
    int port = gateway("providers:\n" + provider("h2", up, "http2: true, " + caFile()));

    HttpResponse<InputStream> stream = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body().read()).isPositive();
    stream.body().close();

    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (up.abandoned() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(up.abandoned()).as("the upstream h2 stream was reset").isEqualTo(1);
    assertThat(versions(up)).containsExactly(HttpVersion.HTTP_2);
    // The connection itself stays for other streams: only the one stream was reset.
    assertThat(up.openConnections()).isEqualTo(1);
  }

  static List<String> dataLines(String sse) {
    return sse.lines().filter(l -> l.startsWith("data:")).toList();
  }
}
