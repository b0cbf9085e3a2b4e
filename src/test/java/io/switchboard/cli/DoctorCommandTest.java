package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard doctor}: one line per check, exit 1 when any fails, and never a variable's value. Providers
 * and Redis are local stand-ins: an HTTP server answering 404 to anything, a socket answering {@code +PONG}.
 */
@Timeout(60)
class DoctorCommandTest {
  static final String OPENAI_KEY = "sk-doctor-secret-openai-0123456789";
  static final String MASTER = "sk-doctor-secret-master-0123456789";
  HttpServer upstream;
  String upstreamUrl;
  @TempDir
  Path dir;

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    upstream.start();
    upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();
  }

  @AfterEach
  void stopUpstream() {
    upstream.stop(0);
  }

  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  Path config(String text) throws IOException {
    return Files.writeString(dir.resolve("gateway.yaml"), text);
  }

  Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", OPENAI_KEY, "MASTER_KEY", MASTER));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void everythingReachableExits0WithALinePerCheck() throws Exception {
    Path file = config("""
        providers:
          - {key: local, provider: openai-compatible, base_url: "%s/v1"}
          - {key: m, provider: mock}
        targets: [{virtual_key: local}, {virtual_key: m}]
        """.formatted(upstreamUrl));

    Cli r = Cli.run(env(), "doctor", file.toString());

    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("[OK] Java " + Runtime.version())
        .contains("[OK] provider variables set: OPENAI_API_KEY\n")
        .contains("[OK] " + file + ": valid (strategy fallback, 2 targets, 2 providers, no plugins)")
        .contains("[OK] MASTER_KEY is set")
        .containsPattern("\\[OK\\] local \\(openai-compatible\\): " + upstreamUrl + "/v1: HTTP 404 in \\d+ ms")
        .contains("[-]  m (mock): built in, no network")
        .contains("[-]  no request-log store or Redis in this config")
        .endsWith("All checks passed.\n");
    assertThat(r.printed()).doesNotContain(OPENAI_KEY).doesNotContain(MASTER);
  }

  @Test
  void anUnreachableProviderFailsAndExits1() throws Exception {
    int port = closedPort();
    Path file = config("""
        providers:
          - {key: gone, provider: openai-compatible, base_url: "http://127.0.0.1:%d/v1"}
          - {key: local, provider: openai-compatible, base_url: "%s/v1"}
        targets: [{virtual_key: gone}, {virtual_key: local}]
        """.formatted(port, upstreamUrl));

    Cli r = Cli.run(env(), "doctor", "--config", file.toString(), "--timeout", "3");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("[X]  gone (openai-compatible): http://127.0.0.1:" + port + "/v1: connection refused")
        .contains("[OK] local (openai-compatible)").endsWith("1 check failed.\n");
  }

  @Test
  void anInvalidConfigFailsAndSkipsWhatDependsOnIt() throws Exception {
    Path file = config("providers: [{key: x, provider: nonsense}]\n");

    Cli r = Cli.run(env(), "doctor", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("[X]  " + file + ": not valid (1 problem):").contains("providers[0].provider")
        .contains("[-]  not checked: the config is not valid");
  }

  @Test
  void withoutAConfigTheEmbeddedDefaultIsChecked() {
    Cli r = Cli.run(Map.of(), "doctor");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("[OK] embedded default config (GATEWAY_CONFIG not set): valid")
        .contains("[-]  no provider variables set")
        .contains("[!]  MASTER_KEY not set");
  }

  @Test
  void gatewayConfigNamesTheConfig() throws Exception {
    Path file = config("providers: [{key: m, provider: mock}]\ntargets: [{virtual_key: m}]\n");

    Cli r = Cli.run(Map.of("GATEWAY_CONFIG", file.toString()), "doctor");

    assertThat(r.out()).contains("[OK] " + file + ": valid");
  }

  @Test
  void theRequestLogStoreIsCheckedWithoutCreatingIt() throws Exception {
    Path db = dir.resolve("log.db");
    Path file = config("""
        providers: [{key: m, provider: mock}]
        targets: [{virtual_key: m}]
        plugins:
          - name: request-logger
            type: logging
            stage: after_request
            enabled: true
            config: {persist: true, backend: sqlite, dsn: "%s"}
        """.formatted(db));

    Cli ok = Cli.run(env(), "doctor", file.toString());
    Files.writeString(file, Files.readString(file).replace(db.toString(), dir.resolve("missing/log.db").toString()));
    Cli missing = Cli.run(env(), "doctor", file.toString());

    assertThat(ok.code()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("[OK] request log (request-logger, sqlite): " + db + ": will be created");
    assertThat(Files.exists(db)).isFalse();
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).contains("[X]  request log (request-logger, sqlite): " + dir.resolve("missing/log.db")
        + ": its directory is missing or not writable");
  }

  @Test
  void redisAnsweringPingPassesAndAClosedPortFails() throws Exception {
    try (ServerSocket redis = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread answering = Thread.ofVirtual().start(() -> {
        try (Socket client = redis.accept()) {
          InputStream in = client.getInputStream();
          byte[] ping = in.readNBytes(6);
          OutputStream out = client.getOutputStream();
          out.write(new String(ping, StandardCharsets.US_ASCII).equals("PING\r\n") ? "+PONG\r\n".getBytes() : new byte[0]);
          out.flush();
        } catch (IOException ignored) {
          // the test fails on the doctor's line
        }
      });
      Path file = config("""
          providers: [{key: m, provider: mock}]
          targets: [{virtual_key: m}]
          state: {backend: redis, url: "redis://:hunter2secret@127.0.0.1:%d/0"}
          """.formatted(redis.getLocalPort()));

      Cli r = Cli.run(env(), "doctor", file.toString());
      answering.join(Duration.ofSeconds(10));

      assertThat(r.code()).as(r.out()).isZero();
      assertThat(r.out()).contains("[OK] Redis redis://127.0.0.1:" + redis.getLocalPort()
          + "/0 (routing state): answered PING");
      assertThat(r.printed()).doesNotContain("hunter2secret");
    }
    int port = closedPort();
    assertThat(Probes.redis("redis://127.0.0.1:" + port, Duration.ofSeconds(3)))
        .isEqualTo(new Probes.Result(false, "connection refused"));
  }

  @Test
  void aRunningGatewayIsCheckedWhenNamed() throws Exception {
    Path file = config("providers: [{key: m, provider: mock}]\ntargets: [{virtual_key: m}]\n");

    Cli up = Cli.run(env(), "doctor", file.toString(), "--gateway-url", upstreamUrl);
    Cli down = Cli.run(env("FERROGW_URL", "http://127.0.0.1:" + closedPort()), "doctor", file.toString());

    // The stand-in answers 404 to /health: reachable, but not a healthy gateway.
    assertThat(up.code()).isEqualTo(1);
    assertThat(up.out()).contains("[X]  " + upstreamUrl + ": /health answered HTTP 404");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.out()).contains(": unreachable: connection refused");
  }

  @Test
  void addressesAreShownWithoutUserInfoOrQuery() {
    assertThat(Probes.display("https://user:pa55@api.example.com:8443/v1?token=abc#x"))
        .isEqualTo("https://api.example.com:8443/v1");
  }

  @Test
  void aBadTimeoutIsAUsageError() {
    Cli r = Cli.run("doctor", "--timeout", "soon");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--timeout soon is not a number of seconds");
  }
}
