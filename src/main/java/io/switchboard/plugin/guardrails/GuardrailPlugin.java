package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.Rejection;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.Future;

/**
 * What every guardrail shares: the request side runs before {@code proceed} (deny with a 400, or rewrite
 * the body the upstream gets), the answer side on its result (deny with a 502, or answer a rewritten
 * body; streams get a transformer). Denials name the guardrail and the kind of finding, never its text.
 * A check of a large request or complete answer runs on the {@link ScanPool}, a small one on the loop.
 */
abstract class GuardrailPlugin implements Plugin {
  /** The error code of a request a guardrail refused (400), as Ferro answers it. */
  static final String REQUEST_BLOCKED = Rejection.REQUEST_REJECTED;
  /** The error code of an answer a guardrail refused (502). */
  static final String RESPONSE_BLOCKED = "response_blocked";

  private final String name;
  private final boolean requests;
  private final boolean answers;
  private final ScanPool scans;

  GuardrailPlugin(String name, boolean requests, boolean answers, ScanPool scans) {
    this.name = name;
    this.requests = requests;
    this.answers = answers;
    this.scans = scans;
  }

  @Override
  public final String name() {
    return name;
  }

  boolean checksRequests() {
    return requests;
  }

  boolean checksAnswers() {
    return answers;
  }

  /** Guardrails block; only a redacting one that checks requests rewrites them. */
  @Override
  public boolean rewritesRequests() {
    return false;
  }

  @Override
  public Future<Outcome> handle(Exchange exchange, Chain next) {
    if (requests && scans.offLoop(requestSize(exchange))) {
      // The chain waits for the verdict, so nothing else reads or changes the body meanwhile.
      return scans.submit(() -> {
        checkRequest(exchange);
        return null;
      }).compose(v -> proceed(exchange, next));
    }
    if (requests) {
      try {
        checkRequest(exchange);
      } catch (ApiException e) {
        return Future.failedFuture(e);
      }
    }
    return proceed(exchange, next);
  }

  @Override
  public Future<Void> close() {
    return scans.close();
  }

  private Future<Outcome> proceed(Exchange exchange, Chain next) {
    Future<Outcome> outcome = next.proceed(exchange);
    return answers ? outcome.compose(o -> checkAnswer(exchange, o)) : outcome;
  }

  ScanPool scans() {
    return scans;
  }

  /** Throws the denial, or rewrites {@code exchange.body()} in place. */
  void checkRequest(Exchange exchange) {}

  /** What {@link #checkRequest} costs, in characters read: the request's texts. */
  long requestSize(Exchange exchange) {
    long chars = 0;
    for (TextSlot slot : TextSlot.ofRequest(exchange.operation(), exchange.body())) {
      chars += slot.text().length();
    }
    return chars;
  }

  /** A complete answer's body: throws the denial, returns a rewritten body, or null to keep it. */
  ObjectNode checkComplete(Exchange exchange, ObjectNode answer) {
    return null;
  }

  /** A streamed answer: add a transformer, or replace the outcome. */
  Future<Outcome> checkStream(Exchange exchange, Outcome outcome, UpstreamResponse.Streaming streaming) {
    return Future.succeededFuture(outcome);
  }

  private Future<Outcome> checkAnswer(Exchange exchange, Outcome outcome) {
    switch (outcome.response()) {
      case UpstreamResponse.Complete c -> {
        if (scans.offLoop(c.body().length())) {
          return scans.submit(() -> judgeComplete(exchange, outcome, c));  // parsing and writing grow too
        }
        try {
          return Future.succeededFuture(judgeComplete(exchange, outcome, c));
        } catch (ApiException e) {
          return Future.failedFuture(e);
        }
      }
      case UpstreamResponse.Streaming s -> {
        try {
          return checkStream(exchange, outcome, s);
        } catch (StreamFailure f) {
          // Denied on the first chunk: nothing was sent yet, so the client gets a plain 502.
          s.stream().cancel();
          JsonNode error = f.errorBody().path("error");
          return Future.failedFuture(new ApiException(f.status(), error.path("type").asText("api_error"),
              error.path("code").asText(RESPONSE_BLOCKED), null, f.getMessage()));
        }
      }
    }
  }

  /** The outcome to answer: {@code outcome} itself, or one with the rewritten body. Throws the denial. */
  private Outcome judgeComplete(Exchange exchange, Outcome outcome, UpstreamResponse.Complete c) {
    JsonNode body = Json.parseOrNull(c.body());
    if (!(body instanceof ObjectNode answer)) {
      return outcome;  // not an answer we can read; nothing of ours to judge
    }
    ObjectNode rewritten = checkComplete(exchange, answer);
    return rewritten == null ? outcome : new Outcome(
        new UpstreamResponse.Complete(Json.buffer(rewritten), c.upstreamRequestId()), outcome.served(),
        outcome.attempts());
  }

  ApiException requestDenied(String param, String what) {
    return Rejection.guardrail(name, param, what);
  }

  ApiException answerDenied(String what) {
    return new ApiException(502, "api_error", RESPONSE_BLOCKED, null, "Blocked by " + name + ": " + what);
  }

  StreamFailure streamDenied(String what) {
    return new StreamFailure(OpenAiErrors.body("Blocked by " + name + ": " + what, "api_error", null,
        RESPONSE_BLOCKED), 502);
  }
}
