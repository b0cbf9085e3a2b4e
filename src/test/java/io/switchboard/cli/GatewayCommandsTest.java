package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.server.GatewayServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code status} and {@code plugins} against a gateway started here. */
@Timeout(60)
class GatewayCommandsTest {
  static final String MASTER_KEY = "sk-cli-test-master-0123456789";
  static GatewayServer gateway;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1}
        providers: [{key: m, provider: mock}]
        targets: [{virtual_key: m}]
        plugins:
          - {name: word-filter, type: guardrail, stage: before_request, enabled: true, config: {words: [x]}}
          - {name: max-token, type: guardrail, stage: before_request, enabled: false, config: {max_tokens: 9}}
        """, Map.of("MASTER_KEY", MASTER_KEY))).await(10, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + gateway.port();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
  }

  @Test
  void statusReportsHealthAndReadiness() {
    Cli r = Cli.run("status", "--gateway-url", url);

    assertThat(r.code()).isZero();
    assertThat(r.out()).matches("(?s)  \\[OK\\] " + url + " -- healthy \\(\\d+ ms\\)\n"
        + "  \\[OK\\] ready \\(/readyz: HTTP 200, ok\\)\n");
  }

  @Test
  void statusFindsTheGatewayThroughFerrosVariable() {
    Cli r = Cli.run(Map.of("FERROGW_URL", url + "/"), "status");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains(url + " -- healthy");
  }

  @Test
  void statusOfNothingListeningExits1() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    Cli r = Cli.run("status", "--gateway-url", "http://127.0.0.1:" + port);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("switchboard: gateway unreachable at http://127.0.0.1:" + port
        + ": connection refused\n");
  }

  @Test
  void aGatewayThatIsNotReadyExits1() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      boolean ready = !exchange.getRequestURI().getPath().equals("/readyz");
      byte[] body = (ready ? "{\"status\":\"ok\",\"version\":\"9.9.9\"}" : "{\"status\":\"draining\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      Cli r = Cli.run("status", "--gateway-url", "http://127.0.0.1:" + server.getAddress().getPort());

      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out()).contains("healthy").contains("  Version: 9.9.9\n")
          .contains("[X]  not ready (/readyz: HTTP 503, draining)");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void pluginsListsTheRunningGatewaysPlugins() {
    Cli r = Cli.run("plugins", "--gateway-url", url, "--api-key", MASTER_KEY);

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("""
        NAME          TYPE        STAGE            ENABLED
        word-filter   guardrail   before_request   yes
        max-token     guardrail   before_request   no
        """);
    assertThat(r.printed()).doesNotContain(MASTER_KEY);
  }

  @Test
  void pluginsReadsTheKeyFromFerrosVariableOrMasterKey() throws Exception {
    Cli ferro = Cli.run(Map.of("FERROGW_URL", url, "FERROGW_API_KEY", MASTER_KEY), "plugins", "--format", "json");
    Cli master = Cli.run(Map.of("FERROGW_URL", url, "MASTER_KEY", MASTER_KEY), "plugins", "--format", "yaml");

    assertThat(ferro.code()).isZero();
    JsonNode list = Json.MAPPER.readTree(ferro.out());
    assertThat(list.size()).isEqualTo(2);
    assertThat(list.get(1).path("name").asText()).isEqualTo("max-token");
    assertThat(list.get(1).path("enabled").asBoolean()).isFalse();
    assertThat(master.code()).isZero();
    assertThat(master.out()).startsWith("- name: word-filter\n  type: guardrail\n  stage: before_request\n"
        + "  enabled: true\n");
  }

  @Test
  void pluginsWithoutTheKeyOrAWrongOneExits1WithoutShowingIt() {
    Cli none = Cli.run("plugins", "--gateway-url", url);
    Cli wrong = Cli.run("plugins", "--gateway-url", url, "--api-key", "sk-wrong-key-987654321");

    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).startsWith("switchboard: GET /admin/plugins: HTTP 401: Missing API key");
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.err()).startsWith("switchboard: GET /admin/plugins: HTTP 401: Incorrect API key");
    assertThat(wrong.printed()).doesNotContain("sk-wrong-key-987654321").doesNotContain("word-filter");
  }

  @Test
  void badGatewayUrlsAndFormatsAreUsageErrors() {
    Cli scheme = Cli.run("status", "--gateway-url", "ftp://127.0.0.1:1");
    Cli userInfo = Cli.run("plugins", "--gateway-url", "http://user:pw@127.0.0.1:1");
    Cli format = Cli.run("plugins", "--gateway-url", url, "--format", "csv");

    assertThat(scheme.code()).isEqualTo(2);
    assertThat(scheme.err()).contains("is not an http or https URL");
    assertThat(userInfo.code()).isEqualTo(2);
    assertThat(userInfo.err()).contains("must not hold user info").doesNotContain("pw@");
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err()).contains("--format csv is not supported here (expected: table, json, yaml)");
  }

  /** Ferro's own CLI reads Switchboard's health and plugin routes (when the reference binary is installed). */
  @Test
  void ferrosStatusAndPluginsWorkAgainstSwitchboard() throws Exception {
    Path ferrogw = Path.of(System.getenv().getOrDefault("FERROGW",
        "/tmp/ferro/node_modules/@ferro-labs-ai/gateway-linux-x64/ferrogw"));
    Assumptions.assumeTrue(Files.isExecutable(ferrogw), "ferrogw not installed at " + ferrogw);

    String status = ferro(ferrogw, "status");
    String plugins = ferro(ferrogw, "plugins");

    assertThat(status).contains("[OK] " + url + " -- healthy");
    assertThat(plugins).containsPattern("word-filter +guardrail +yes").containsPattern("max-token +guardrail +no");
  }

  static String ferro(Path ferrogw, String verb) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(ferrogw.toString(), verb).redirectErrorStream(true);
    builder.environment().put("FERROGW_URL", url);
    builder.environment().put("FERROGW_API_KEY", MASTER_KEY);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
