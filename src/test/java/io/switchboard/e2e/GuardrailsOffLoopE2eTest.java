package io.switchboard.e2e;

import static io.switchboard.e2e.MockUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multi-MB prompts through secret-scan and pii-redact on a gateway with one event loop: while they are scanned
 * (over a second each), a small request on the same loop is answered, and each big one still gets its verdict.
 */
@Timeout(180)
class GuardrailsOffLoopE2eTest extends E2eResources {
  static final String OPENAI_KEY = "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA3bC5";
  static final String EMAIL = "jane.doe@example.com";
  static final int BIG = 9_000_000;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aSmallRequestIsAnsweredWhileBigPromptsAreScanned() throws Exception {
    MockUpstream upstream = upstream();
    String bigAnswer = answer(prose("Sure, write to " + EMAIL + ". ", 2_000_000));
    upstream.always((req, body) -> json(200, body.length() > BIG / 2 ? bigAnswer : answer("Hello!")).accept(req, body));
    int port = gateway("""
        providers: [{key: a, provider: openai, api_key: sk-a, base_url: "%s/v1"}]
        plugins:
          - {name: secret-scan, type: guardrail, stage: before_request, config: {action: block}}
          - {name: pii-redact, type: guardrail, stage: before_request,
             config: {kinds: [email], action: redact, responses: true}}
        """.formatted(upstream.url()), 1);
    List<String> prompts = List.of(prose("my key is " + OPENAI_KEY + ". ", BIG),
        prose("my key is " + OPENAI_KEY + ". ", BIG), prose("please write to " + EMAIL + ". ", BIG));

    CountDownLatch uploaded = new CountDownLatch(prompts.size());
    Queue<String> answered = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<HttpResponse<String>>> bigs = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      String id = "big-" + i;
      bigs.add(http.sendAsync(request(port, id, tracked(chat(prompts.get(i)), uploaded)),
          HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> answered.add(id)));
    }
    // The gateway has (nearly) every byte of them: their scans are starting or running.
    assertThat(uploaded.await(60, TimeUnit.SECONDS)).as("big prompts uploaded").isTrue();
    HttpResponse<String> small = http.send(request(port, "small", HttpRequest.BodyPublishers.ofString(chat("Hi"))),
        HttpResponse.BodyHandlers.ofString());
    List<String> answeredBeforeSmall = List.copyOf(answered);

    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(answeredBeforeSmall).as("big prompts answered before the small one").isEmpty();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> blocked = bigs.get(i).get(120, TimeUnit.SECONDS);
      assertThat(blocked.statusCode()).isEqualTo(400);
      assertThat(error(blocked).path("code").asText()).isEqualTo("request_rejected");
      assertThat(error(blocked).path("message").asText())
          .isEqualTo("request rejected by secret-scan (before_request): the request contains an OpenAI API key (messages[0].content)");
      assertThat(blocked.body()).doesNotContain(OPENAI_KEY);
    }
    HttpResponse<String> redacted = bigs.get(2).get(120, TimeUnit.SECONDS);
    assertThat(redacted.statusCode()).isEqualTo(200);
    String content = Json.parseOrNull(Buffer.buffer(redacted.body())).path("choices").path(0).path("message")
        .path("content").asText();
    assertThat(content).startsWith("Sure, write to [REDACTED:EMAIL]. ").doesNotContain(EMAIL);
    assertThat(upstream.received()).hasSize(2);
    List<String> sent = upstream.received().stream()
        .map(r -> r.body().path("messages").path(0).path("content").asText()).toList();
    assertThat(sent).anySatisfy(text -> assertThat(text).hasSizeGreaterThan(BIG - 100)
        .startsWith("please write to [REDACTED:EMAIL]. ").doesNotContain(EMAIL));
    assertThat(sent).contains("Hi").noneMatch(text -> text.contains(OPENAI_KEY));
  }

  /** Filler text of about {@code size} characters after {@code head}, with nothing a guardrail looks for. */
  static String prose(String head, int size) {
    StringBuilder b = new StringBuilder(size + 100).append(head);
    for (int i = 0; b.length() < size; i++) {
      b.append("The quick brown fox jumps over the lazy dog, again and again; ").append(i % 1000).append(". ");
    }
    return b.toString();
  }

  static String chat(String userText) {
    ObjectNode body = Json.object().put("model", "gpt-4o");
    body.putArray("messages").addObject().put("role", "user").put("content", userText);
    return Json.string(body);
  }

  static String answer(String content) {
    ObjectNode a = Json.object().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o");
    ObjectNode choice = a.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", "stop");
    return Json.string(a);
  }

  static HttpRequest request(int port, String id, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("content-type", "application/json").header("x-request-id", id).POST(body).build();
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parseOrNull(Buffer.buffer(response.body())).path("error");
  }

  /** {@code body}'s bytes; {@code sent} counts down once the client has taken the last of them to send. */
  static HttpRequest.BodyPublisher tracked(String body, CountDownLatch sent) {
    HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.ofString(body);
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return bytes.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        bytes.subscribe(new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable failure) {
            subscriber.onError(failure);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
            sent.countDown();
          }
        });
      }
    };
  }
}
