package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.plugin.Exchange;
import java.util.Locale;

/**
 * prompt-shield: scores each text of the request with {@link PromptShield}'s heuristics and refuses the
 * request when one reaches the threshold. Assistant messages are history the model wrote, not input, so
 * they are not scored.
 */
final class PromptShieldPlugin extends GuardrailPlugin {
  private final PromptShield shield;
  private final boolean usersOnly;

  PromptShieldPlugin(String name, double threshold, ScanPool scans) {
    this(name, threshold, false, scans);
  }

  /** @param usersOnly score only user messages (Ferro's {@code apply_to: user_messages}) */
  PromptShieldPlugin(String name, double threshold, boolean usersOnly, ScanPool scans) {
    super(name, true, false, scans);
    this.shield = new PromptShield(threshold);
    this.usersOnly = usersOnly;
  }

  @Override
  void checkRequest(Exchange exchange) {
    JsonNode messages = exchange.body().path("messages");
    for (TextSlot slot : TextSlot.ofRequest(exchange.operation(), exchange.body())) {
      String role = slot.path().startsWith("messages[") ? role(messages, slot.path()) : null;
      if ("assistant".equals(role) || usersOnly && role != null && !"user".equals(role)) {
        continue;
      }
      double score = shield.score(slot.text());
      if (score >= shield.threshold()) {
        throw requestDenied(slot.path(), "the request looks like a prompt injection (score "
            + String.format(Locale.ROOT, "%.2f", score) + ", threshold "
            + String.format(Locale.ROOT, "%.2f", shield.threshold()) + ", " + slot.path() + ")");
      }
    }
  }

  private static String role(JsonNode messages, String path) {
    int index = Integer.parseInt(path.substring("messages[".length(), path.indexOf(']')));
    return messages.path(index).path("role").asText();
  }
}
