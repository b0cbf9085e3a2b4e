package io.switchboard.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.StrategyConfig.ContentRule;
import io.switchboard.config.StrategyConfig.Form;
import java.util.List;
import java.util.Locale;

/**
 * Routes on what the user wrote: the text of the user messages (strings and text parts), or the
 * {@code prompt} of a completion. The first rule that holds names the chain; otherwise, and for what a
 * chain that does not serve the model leads to in each form, as {@link ConditionalStrategy}.
 * {@code prompt_contains} and {@code prompt_not_contains} ignore case; {@code prompt_regex} is applied as
 * written (add {@code (?i)} to ignore case) to the user messages joined by newlines.
 */
final class ContentBasedStrategy implements RoutingStrategy {
  private final List<ContentRule> rules;
  private final List<String> defaults;
  private final Form form;
  private final String firstTarget;

  ContentBasedStrategy(List<ContentRule> rules, List<String> defaults, Form form, String firstTarget) {
    this.rules = rules;
    this.defaults = defaults;
    this.form = form;
    this.firstTarget = firstTarget;
  }

  @Override
  public List<Candidate> order(List<Candidate> eligible, RoutingContext context) {
    String text = userText(context.request().body());
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> matched = null;
    for (ContentRule rule : rules) {
      if (holds(rule, text, lower)) {
        matched = rule.then();
        break;
      }
    }
    return form == Form.FERRO ? Chains.exclusive(matched, defaults, firstTarget, eligible)
        : Chains.orDefault(matched, defaults, eligible);
  }

  private static boolean holds(ContentRule rule, String text, String lower) {
    if (!rule.contains().isEmpty() && rule.contains().stream().noneMatch(lower::contains)) {
      return false;
    }
    if (rule.notContains().stream().anyMatch(lower::contains)) {
      return false;
    }
    return rule.regex() == null || rule.regex().matcher(text).find();
  }

  /** User messages joined by newlines. */
  static String userText(JsonNode body) {
    StringBuilder out = new StringBuilder();
    for (JsonNode m : body.path("messages")) {
      if (!"user".equals(m.path("role").asText())) {
        continue;
      }
      JsonNode content = m.path("content");
      if (content.isTextual()) {
        out.append(content.asText()).append('\n');
      } else {
        for (JsonNode part : content) {
          if (part.path("text").isTextual()) {
            out.append(part.path("text").asText()).append('\n');
          }
        }
      }
    }
    JsonNode prompt = body.path("prompt");
    if (prompt.isTextual()) {
      out.append(prompt.asText());
    } else if (prompt.isArray()) {
      prompt.forEach(p -> out.append(p.asText()).append('\n'));
    }
    return out.toString();
  }
}
