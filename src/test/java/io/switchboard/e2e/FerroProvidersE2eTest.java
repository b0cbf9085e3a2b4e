package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static io.switchboard.e2e.MockUpstream.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.server.GatewayServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Ferro config and Ferro's environment, unchanged: providers registered from Ferro's variables are reached at
 * the root Ferro's {@code <P>_BASE_URL} names (Anthropic's {@code .../v1}, verbatim), and Replicate answers
 * through its predictions API: created with {@code Prefer: wait}, polled while it runs, streamed from the URL
 * the prediction names. The Replicate mock speaks the wire format of Replicate's HTTP API reference.
 */
@Timeout(60)
class FerroProvidersE2eTest {
  static MockUpstream anthropic;
  static NativeMock replicate;
  static GatewayServer gateway;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  /** What the Replicate mock answers next to a prediction's creation: succeeded, starting (then polled) or a stream. */
  static volatile String mode = "succeeded";
  static final AtomicInteger polls = new AtomicInteger();
  static final List<String> replicateCalls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    anthropic = new MockUpstream();
    replicate = new NativeMock((req, body) -> {
      replicateCalls.add(req.method() + " " + req.uri());
      var response = req.response();
      if (req.uri().equals("/stream/p-stream")) {
        response.putHeader("content-type", "text/event-stream")
            .end("event: output\nid: 1\ndata: Hel\n\nevent: output\nid: 2\ndata: lo\n\nevent: done\ndata: {}\n\n");
        return;
      }
      if (req.uri().equals("/v1/predictions/p-slow")) {
        boolean done = polls.incrementAndGet() >= 2;
        response.putHeader("content-type", "application/json").end(done
            ? "{\"id\":\"p-slow\",\"status\":\"succeeded\",\"output\":[\"Slow \",\"answer\"],"
                + "\"metrics\":{\"input_token_count\":3,\"output_token_count\":2}}"
            : "{\"id\":\"p-slow\",\"status\":\"processing\",\"output\":null}");
        return;
      }
      String answer = switch (mode) {
        case "starting" -> "{\"id\":\"p-slow\",\"status\":\"starting\",\"output\":null,"
            + "\"urls\":{\"get\":\"" + replicate.url() + "/v1/predictions/p-slow\"}}";
        case "stream" -> "{\"id\":\"p-stream\",\"status\":\"starting\",\"output\":null,"
            + "\"urls\":{\"stream\":\"" + replicate.url() + "/stream/p-stream\"}}";
        case "failed" -> "{\"id\":\"p-bad\",\"status\":\"failed\",\"error\":\"CUDA out of memory\",\"output\":null}";
        default -> "{\"id\":\"p-fast\",\"status\":\"succeeded\",\"output\":[\"Hello\",\" there\"],"
            + "\"metrics\":{\"input_token_count\":7,\"output_token_count\":2}}";
      };
      response.setStatusCode(201).putHeader("content-type", "application/json").end(answer);
    });
    String ferroConfig = """
        strategy:
          mode: fallback
        targets:
          - virtual_key: anthropic
          - virtual_key: replicate
        """;
    GatewayConfig config = ConfigLoader.parse(ferroConfig, Map.of(
        "ANTHROPIC_API_KEY", "sk-ant-ferro", "ANTHROPIC_BASE_URL", anthropic.url() + "/v1",
        "REPLICATE_API_TOKEN", "r8_ferro", "REPLICATE_BASE_URL", replicate.url(),
        "REPLICATE_TEXT_MODELS", "meta/meta-llama-3-8b-instruct, acme/pinned:0123abcd"));
    gateway = GatewayServer.start(config.withServer(config.server().withListener("127.0.0.1", 0)))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(10, TimeUnit.SECONDS);
    anthropic.close();
    replicate.close();
  }

  @BeforeEach
  void clean() {
    anthropic.reset();
    replicateCalls.clear();
    polls.set(0);
    mode = "succeeded";
  }

  static HttpResponse<String> chat(String model, boolean stream) throws Exception {
    String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"temperature\":0,"
        + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]}";
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anthropicsFerroRootIsCalledAtItsMessagesPathNotTwiceVersioned() throws Exception {
    anthropic.then(json(200, resource(GatewayOpenAiJavaE2eTest.ANTHROPIC_TEXT)));
    HttpResponse<String> r = chat("claude-3-5-sonnet-20241022", false);
    assertThat(r.statusCode()).isEqualTo(200);
    MockUpstream.Received sent = anthropic.received().getLast();
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.headers().get("x-api-key")).isEqualTo("sk-ant-ferro");
  }

  @Test
  void replicateAnswersFromAPredictionItWaitedFor() throws Exception {
    HttpResponse<String> r = chat("meta/meta-llama-3-8b-instruct", false);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = Json.parse(r.body());
    assertThat(answer.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello there");
    assertThat(answer.path("usage").path("prompt_tokens").asInt()).isEqualTo(7);
    assertThat(answer.path("usage").path("total_tokens").asInt()).isEqualTo(9);
    assertThat(replicateCalls).containsExactly("POST /v1/models/meta/meta-llama-3-8b-instruct/predictions");
    NativeMock.Received sent = replicate.received().getLast();
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer r8_ferro");
    assertThat(sent.headers().get("prefer")).isEqualTo("wait");
    JsonNode prediction = Json.parse(sent.body());
    assertThat(prediction.path("input").path("prompt").asText())
        .isEqualTo("system: Be brief.\nuser: Hi\nassistant: ");
    // A requested zero is sent, not dropped.
    assertThat(prediction.path("input").path("temperature").isNumber()).isTrue();
    assertThat(prediction.has("version")).isFalse();
  }

  @Test
  void aPinnedVersionIsCreatedAtPredictionsWithTheVersionInTheBody() throws Exception {
    HttpResponse<String> r = chat("acme/pinned", false);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(replicateCalls).containsExactly("POST /v1/predictions");
    assertThat(Json.parse(replicate.received().getLast().body()).path("version").asText()).isEqualTo("0123abcd");
  }

  @Test
  void aPredictionStillRunningAfterTheWaitIsPolledUntilItSucceeds() throws Exception {
    mode = "starting";
    HttpResponse<String> r = chat("meta/meta-llama-3-8b-instruct", false);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Json.parse(r.body()).path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("Slow answer");
    assertThat(replicateCalls).containsExactly("POST /v1/models/meta/meta-llama-3-8b-instruct/predictions",
        "GET /v1/predictions/p-slow", "GET /v1/predictions/p-slow");
    assertThat(replicate.received().getLast().headers().get("authorization")).isEqualTo("Bearer r8_ferro");
  }

  @Test
  void aFailedPredictionIsAnErrorNamingWhy() throws Exception {
    mode = "failed";
    HttpResponse<String> r = chat("meta/meta-llama-3-8b-instruct", false);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("CUDA out of memory");
  }

  @Test
  void aStreamFollowsThePredictionsStreamUrl() throws Exception {
    mode = "stream";
    HttpResponse<String> r = chat("meta/meta-llama-3-8b-instruct", true);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(replicateCalls).containsExactly("POST /v1/models/meta/meta-llama-3-8b-instruct/predictions",
        "GET /stream/p-stream");
    // The mock keeps every request of the class: the stream's two are the last.
    NativeMock.Received create = replicate.received().get(replicate.received().size() - 2);
    assertThat(Json.parse(create.body()).path("stream").asBoolean()).isTrue();
    assertThat(create.headers().contains("prefer")).isFalse();
    assertThat(replicate.received().getLast().headers().get("accept")).isEqualTo("text/event-stream");
    StringBuilder text = new StringBuilder();
    String finish = null;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode choice = Json.parse(line.substring(6)).path("choices").get(0);
        text.append(choice.path("delta").path("content").asText(""));
        if (choice.path("finish_reason").isTextual()) {
          finish = choice.path("finish_reason").asText();
        }
      }
    }
    assertThat(text.toString()).isEqualTo("Hello");
    assertThat(finish).isEqualTo("stop");
    assertThat(r.body().strip()).endsWith("data: [DONE]");
  }
}
