package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.plugin.Exchange;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guardrail made of a {@link Detector} and an action: word-filter, pii-redact, secret-scan and
 * regex-guard. Blocking names the first finding's kind and where it is; redacting replaces each finding
 * with {@code [REDACTED:<KIND>]}.
 */
final class ScanGuardrail extends GuardrailPlugin {
  /** What a finding does: refuse, rewrite the text, or only be logged (Ferro's {@code warn} and {@code log}). */
  enum Action {
    BLOCK, REDACT, LOG
  }

  private static final Logger LOG = LoggerFactory.getLogger(ScanGuardrail.class);

  private final Detector detector;
  private final Action action;
  private final Function<Finding, String> describe;
  private final int streamWindow;
  private final String placeholder;

  /**
   * @param describe what a finding is, with its article, for messages ("an email address"); never its text
   * @param streamWindow characters of a streamed answer held back per choice, so a match split across
   *     chunks is still whole when it is judged
   * @param scans where scans of large texts run
   */
  ScanGuardrail(String name, boolean requests, boolean answers, Detector detector, Action action,
      Function<Finding, String> describe, int streamWindow, ScanPool scans) {
    this(name, requests, answers, detector, action, describe, streamWindow, scans, null);
  }

  /** @param placeholder what a redacted span becomes; null: {@code [REDACTED:<KIND>]} */
  ScanGuardrail(String name, boolean requests, boolean answers, Detector detector, Action action,
      Function<Finding, String> describe, int streamWindow, ScanPool scans, String placeholder) {
    super(name, requests, answers, scans);
    this.detector = detector;
    this.action = action;
    this.describe = describe;
    this.streamWindow = streamWindow;
    this.placeholder = placeholder;
  }

  /** The text to pass on for a text with findings: redacted, or (LOG) as it was, the finding logged. */
  String rewrite(String text, List<Finding> findings, String where) {
    if (action == Action.LOG) {
      // The kind and where, never the text found.
      LOG.warn("plugin {}: {} contains {}; passed on (action: log)", name(), where, describe.apply(findings.getFirst()));
      return text;
    }
    return Redactor.redact(text, findings, placeholder);
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
      if (action == Action.REDACT) {
        slot.replace(Redactor.redact(text, findings, placeholder));
      } else {
        rewrite(text, findings, "the request (" + slot.path() + ")");
      }
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
      if (action == Action.REDACT) {
        slot.replace(Redactor.redact(text, findings, placeholder));
        changed = true;
      } else {
        rewrite(text, findings, "the answer (" + slot.path() + ")");
      }
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
