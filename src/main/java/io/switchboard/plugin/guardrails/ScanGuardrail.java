package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.plugin.Exchange;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * A guardrail made of a {@link Detector} and an action: word-filter, pii-redact, secret-scan and
 * regex-guard. Blocking names the first finding's kind and where it is; redacting replaces each finding
 * with {@code [REDACTED:<KIND>]}.
 */
final class ScanGuardrail extends GuardrailPlugin {
  enum Action {
    BLOCK, REDACT
  }

  private final Detector detector;
  private final Action action;
  private final Function<Finding, String> describe;
  private final int streamWindow;

  /**
   * @param describe what a finding is, with its article, for messages ("an email address"); never its text
   * @param streamWindow characters of a streamed answer held back per choice, so a match split across
   *     chunks is still whole when it is judged
   * @param scans where scans of large texts run
   */
  ScanGuardrail(String name, boolean requests, boolean answers, Detector detector, Action action,
      Function<Finding, String> describe, int streamWindow, ScanPool scans) {
    super(name, requests, answers, scans);
    this.detector = detector;
    this.action = action;
    this.describe = describe;
    this.streamWindow = streamWindow;
  }

  Action action() {
    return action;
  }

  @Override
  public boolean rewritesRequests() {
    return checksRequests() && action == Action.REDACT;
  }

  @Override
  void checkRequest(Exchange exchange) {
    for (TextSlot slot : TextSlot.ofRequest(exchange.operation(), exchange.body())) {
      String text = slot.text();
      List<Finding> findings = detector.find(text);
      if (findings.isEmpty()) {
        continue;
      }
      if (action == Action.BLOCK) {
        throw requestDenied(slot.path(), "the request contains " + describe.apply(findings.getFirst()) + " ("
            + slot.path() + ")");
      }
      slot.replace(Redactor.redact(text, findings));
    }
  }

  @Override
  ObjectNode checkComplete(Exchange exchange, ObjectNode answer) {
    boolean changed = false;
    for (TextSlot slot : TextSlot.ofAnswer(exchange.operation(), answer)) {
      String text = slot.text();
      List<Finding> findings = detector.find(text);
      if (findings.isEmpty()) {
        continue;
      }
      if (action == Action.BLOCK) {
        throw answerDenied("the answer contains " + describe.apply(findings.getFirst()) + " (" + slot.path() + ")");
      }
      slot.replace(Redactor.redact(text, findings));
      changed = true;
    }
    return changed ? answer : null;
  }

  @Override
  Future<Outcome> checkStream(Exchange exchange, Outcome outcome, UpstreamResponse.Streaming streaming) {
    if (exchange.operation() != Operation.EMBEDDINGS) {
      streaming.stream().through(new StreamGuard(this, exchange.operation() == Operation.CHAT));
    }
    return Future.succeededFuture(outcome);
  }

  Detector detector() {
    return detector;
  }

  String describe(Finding finding) {
    return describe.apply(finding);
  }

  int streamWindow() {
    return streamWindow;
  }
}
