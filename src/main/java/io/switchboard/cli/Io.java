package io.switchboard.cli;

import java.io.PrintStream;
import java.util.Map;

/** What a command may touch besides its arguments: the environment it reads and the streams it writes. */
record Io(Map<String, String> env, PrintStream out, PrintStream err) {
  Io {
    env = Map.copyOf(env);
  }

  /** The variable's value, or null when it is unset or blank. */
  String variable(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** {@code switchboard: message} on stderr. */
  void error(String message) {
    err.println("switchboard: " + message);
  }
}
