package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every kind of bad request gets an OpenAI-shaped error with the right status, never a hang. */
@Timeout(20)
class BadInputTest {
  static GatewayServer gateway;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayServer.start(ConfigLoader.parse("""
        server: {port: 0, host: 127.0.0.1, max_body_bytes: 4096}
        providers: [{key: m, provider: mock, models: [mock-gpt, gpt-4o]}]
        strategy: {mode: single}
        """, Map.of())).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
  }

  static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !List.of(headers).contains("content-type")) {
      b.header("content-type", "application/json");
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode error(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode body = Json.parseOrNull(Buffer.buffer(r.body()));
    assertThat(body.path("error").isObject()).as(r.body()).isTrue();
    JsonNode error = body.get("error");
    assertThat(error.path("message").isTextual()).isTrue();
    assertThat(error.path("type").isTextual()).isTrue();
    assertThat(error.has("param")).isTrue();
    assertThat(error.has("code")).isTrue();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    return error;
  }

  @Test
  void malformedJsonIs400WithTheLocation() throws Exception {
    HttpResponse<String> r = send("POST", "/v1/chat/completions", "{\"model\": \"gpt-4o\", \"messages\": [");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode e = error(r);
    assertThat(e.get("code").asText()).isEqualTo("invalid_json");
    assertThat(e.get("message").asText()).contains("line 1");
  }

  @Test
  void nonObjectBodyIs400() throws Exception {
    HttpResponse<String> r = send("POST", "/chat/completions", "[1,2]");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).get("code").asText()).isEqualTo("invalid_json");
  }

  @Test
  void missingModelOrMessagesIs400NamingTheParam() throws Exception {
    HttpResponse<String> noModel = send("POST", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(error(noModel).get("param").asText()).isEqualTo("model");

    HttpResponse<String> noMessages = send("POST", "/v1/chat/completions", "{\"model\":\"gpt-4o\"}");
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(error(noMessages).get("param").asText()).isEqualTo("messages");

    HttpResponse<String> emptyMessages = send("POST", "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
    assertThat(emptyMessages.statusCode()).isEqualTo(400);

    HttpResponse<String> noInput = send("POST", "/v1/embeddings", "{\"model\":\"gpt-4o\"}");
    assertThat(noInput.statusCode()).isEqualTo(400);
    assertThat(error(noInput).get("param").asText()).isEqualTo("input");

    HttpResponse<String> badStream = send("POST", "/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(badStream.statusCode()).isEqualTo(400);
    assertThat(error(badStream).get("param").asText()).isEqualTo("stream");
  }

  @Test
  void unknownModelIs404() throws Exception {
    HttpResponse<String> r = send("POST", "/v1/chat/completions",
        "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r).get("code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void bodyOverTheLimitIs413ByLengthAndByStream() throws Exception {
    String big = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";
    HttpResponse<String> declared = send("POST", "/v1/chat/completions", big);
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(error(declared).get("code").asText()).isEqualTo("request_too_large");

    // Chunked: no content-length, so the limit is enforced while reading.
    HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))
        .build();
    HttpResponse<String> streamed = http.send(chunked, HttpResponse.BodyHandlers.ofString());
    assertThat(streamed.statusCode()).isEqualTo(413);
  }

  @Test
  void unknownRouteIs404AndWrongMethodIs405() throws Exception {
    HttpResponse<String> unknown = send("POST", "/v1/assistants", "{}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    error(unknown);
    HttpResponse<String> wrong = send("GET", "/v1/chat/completions", null);
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("allow")).contains("POST");
    error(wrong);
  }

  @Test
  void requestIdIsEchoedOrGenerated() throws Exception {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    HttpResponse<String> given = send("POST", "/v1/chat/completions", body, "x-request-id", "trace-abc-123");
    assertThat(given.statusCode()).isEqualTo(200);
    assertThat(given.headers().firstValue("x-request-id")).contains("trace-abc-123");
    HttpResponse<String> generated = send("POST", "/v1/chat/completions", body);
    assertThat(generated.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("req_[0-9a-f]{32}"));
    HttpResponse<String> error = send("POST", "/v1/chat/completions", "{", "x-request-id", "trace-err");
    assertThat(error.headers().firstValue("x-request-id")).contains("trace-err");
  }

  @Test
  void healthAndModelsAnswerWithAndWithoutV1() throws Exception {
    for (String path : new String[] {"/health", "/livez", "/readyz", "/v1/models", "/models"}) {
      HttpResponse<String> r = send("GET", path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
    }
    JsonNode models = Json.parseOrNull(Buffer.buffer(send("GET", "/v1/models", null).body()));
    assertThat(models.get("object").asText()).isEqualTo("list");
    assertThat(models.get("data").findValuesAsText("id")).contains("mock-gpt", "gpt-4o");
    assertThat(send("GET", "/v1/models/mock-gpt", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v1/models/nope", null).statusCode()).isEqualTo(404);
  }
}
