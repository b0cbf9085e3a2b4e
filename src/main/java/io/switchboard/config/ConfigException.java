package io.switchboard.config;

import java.util.List;

/** A config that cannot be used; carries every problem found, each as {@code path: problem}. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
