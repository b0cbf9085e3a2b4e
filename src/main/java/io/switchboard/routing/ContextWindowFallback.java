package io.switchboard.routing;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.provider.Provider;
import io.switchboard.provider.UpstreamException;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The target tried after a context-length error ({@code context_window_fallback}), whatever the strategy.
 * It is sent its {@code model_map} entry for the model; else the model itself when it serves it; else the
 * first model it lists (the target's {@code models}, then its provider's), typically a larger-context one.
 */
public final class ContextWindowFallback {
  private final Target target;
  private final Provider provider;

  ContextWindowFallback(Target target, Provider provider) {
    this.target = target;
    this.provider = provider;
  }

  /** Null when the config names no fallback target. */
  public static ContextWindowFallback of(GatewayConfig config, Map<String, Provider> providers) {
    String id = config.resilience().contextWindowFallback();
    if (id == null) {
      return null;
    }
    for (Target t : config.targets()) {
      if (t.id().equals(id)) {
        return new ContextWindowFallback(t, providers.get(t.virtualKey()));
      }
    }
    return null;
  }

  public Target target() {
    return target;
  }

  /** The candidate for a request routed to {@code model} (after aliases). */
  public Candidate candidate(String model) {
    String mapped = target.modelMap().get(model);
    if (mapped != null) {
      return new Candidate(target, provider, mapped);
    }
    if (target.models().contains(model) || target.models().contains("*") || provider.serves(model)) {
      return new Candidate(target, provider, model);
    }
    String listed = Stream.concat(target.models().stream(), provider.config().models().stream())
        .filter(m -> !m.equals("*")).findFirst().orElse(model);
    return new Candidate(target, provider, listed);
  }

  /**
   * An upstream's "the prompt does not fit": OpenAI's {@code context_length_exceeded} or its "maximum context
   * length" message, Anthropic's "prompt is too long" (already in the OpenAI shape here).
   */
  public static boolean isContextLengthError(UpstreamException failure) {
    if (failure.kind() != UpstreamException.Kind.STATUS || failure.status() != 400) {
      return false;
    }
    var error = failure.errorBody().path("error");
    if ("context_length_exceeded".equals(error.path("code").asText(""))) {
      return true;
    }
    String message = error.path("message").asText("").toLowerCase(Locale.ROOT);
    return message.contains("maximum context length") || message.contains("prompt is too long")
        || message.contains("context_length_exceeded") || message.contains("context window");
  }
}
