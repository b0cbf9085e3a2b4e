package io.switchboard.plugin.guardrails;

import java.util.Optional;

/** Size limits on a request; the lead maps max_tokens / max_completion_tokens, messages and input text in. */
public final class MaxTokenGuard {
  /** Null means "no limit". */
  public record Limits(Integer maxTokens, Integer maxMessages, Integer maxInputLength) {
    public Limits {
      positive("max_tokens", maxTokens);
      positive("max_messages", maxMessages);
      positive("max_input_length", maxInputLength);
    }

    private static void positive(String name, Integer v) {
      if (v != null && v <= 0) {
        throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
      }
    }
  }

  /** What a request asks for; null token fields mean the request did not set them. */
  public record Usage(Integer maxTokens, Integer maxCompletionTokens, int messages, long inputChars) {}

  private final Limits limits;

  public MaxTokenGuard(Limits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /** The first violated limit as a client-facing message, worded as Ferro words it, or empty. */
  public Optional<String> check(Usage u) {
    if (limits.maxTokens() != null) {
      Optional<String> v = over("max_tokens", u.maxTokens(), limits.maxTokens());
      if (v.isEmpty()) {
        v = over("max_completion_tokens", u.maxCompletionTokens(), limits.maxTokens());
      }
      if (v.isPresent()) {
        return v;
      }
    }
    if (limits.maxMessages() != null && u.messages() > limits.maxMessages()) {
      return Optional.of("message count " + u.messages() + " exceeds limit of " + limits.maxMessages());
    }
    if (limits.maxInputLength() != null && u.inputChars() > limits.maxInputLength()) {
      return Optional.of("total input length " + u.inputChars() + " exceeds limit of " + limits.maxInputLength());
    }
    return Optional.empty();
  }

  private static Optional<String> over(String field, Integer asked, int limit) {
    return asked != null && asked > limit
        ? Optional.of(field + " " + asked + " exceeds limit of " + limit)
        : Optional.empty();
  }
}
