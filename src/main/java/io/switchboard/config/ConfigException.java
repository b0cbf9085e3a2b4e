package io.switchboard.config;

import java.util.List;

/**
 * A config that cannot be used; carries every problem found, each as {@code path: problem}. Keys of a known
 * shape are masked in them, wherever a problem came from: a key pasted into the wrong field is not printed.
 */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    List<String> redacted = problems.stream().map(Redaction::redactKeys).toList();
    super(String.join("\n", redacted));
    this.problems = redacted;
  }

  public List<String> problems() {
    return problems;
  }
}
