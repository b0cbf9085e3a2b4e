package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Rejection;
import io.switchboard.provider.Operation;
import java.util.Optional;

/**
 * max-token: refuses requests asking for more output tokens than allowed ({@code max_tokens} or
 * {@code max_completion_tokens}), with too many messages, or with too much input text (characters of
 * every text the request carries). A request that sets no token cap passes: the provider's default applies.
 */
final class MaxTokenPlugin extends GuardrailPlugin {
  private final MaxTokenGuard guard;

  MaxTokenPlugin(String name, MaxTokenGuard.Limits limits) {
    super(name, true, false, ScanPool.onLoop());  // it counts lengths: no cost grows with the text
    this.guard = new MaxTokenGuard(limits);
  }

  @Override
  void checkRequest(Exchange exchange) {
    JsonNode body = exchange.body();
    JsonNode messages = body.get("messages");
    long chars = 0;
    for (TextSlot slot : TextSlot.ofRequest(exchange.operation(), exchange.body())) {
      chars += slot.text().length();
    }
    MaxTokenGuard.Usage usage = new MaxTokenGuard.Usage(integer(body.get("max_tokens")),
        integer(body.get("max_completion_tokens")),
        exchange.operation() == Operation.CHAT && messages != null ? messages.size() : 0, chars);
    Optional<String> over = guard.check(usage);
    if (over.isPresent()) {
      String problem = over.get();
      String param = problem.startsWith("max_tokens") ? "max_tokens"
          : problem.startsWith("max_completion_tokens") ? "max_completion_tokens"
          : exchange.operation().requiredField();
      throw Rejection.guardrail(name(), param, problem);
    }
  }

  private static Integer integer(JsonNode node) {
    if (node == null || !node.isNumber()) {
      return null;
    }
    long v = node.asLong();
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }
}
