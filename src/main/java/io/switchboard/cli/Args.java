package io.switchboard.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A verb's parsed arguments: flags ({@code --name value}, {@code --name=value}, or a switch without value) and
 * positionals. Each flag is known by every one of its spellings; a value is looked up by the first.
 */
final class Args {
  /** Bad arguments: the message names the argument, and the verb's usage follows it (exit 2). */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** One flag: its spellings ({@code --output}, {@code -o}) and whether it takes a value. */
  record Flag(List<String> names, boolean takesValue) {
    static Flag value(String... names) {
      return new Flag(List.of(names), true);
    }

    static Flag toggle(String... names) {
      return new Flag(List.of(names), false);
    }
  }

  /** The flags of one verb. */
  record Spec(List<Flag> flags) {
    static Spec of(Flag... flags) {
      return new Spec(List.of(flags));
    }

    Flag find(String name) {
      return flags.stream().filter(f -> f.names().contains(name)).findFirst().orElse(null);
    }
  }

  /** The connection flags of the verbs that talk to a running gateway, as Ferro names them. */
  static final Flag GATEWAY_URL = Flag.value("--gateway-url");
  static final Flag API_KEY = Flag.value("--api-key");
  static final Flag FORMAT = Flag.value("--format");
  private static final Set<String> HELP = Set.of("-h", "--help");

  private final Map<String, String> values;
  private final List<String> positionals;
  private final boolean help;

  private Args(Map<String, String> values, List<String> positionals, boolean help) {
    this.values = values;
    this.positionals = List.copyOf(positionals);
    this.help = help;
  }

  static Args parse(List<String> tokens, Spec spec) {
    Map<String, String> values = new HashMap<>();
    List<String> positionals = new ArrayList<>();
    boolean help = false;
    boolean onlyPositionals = false;
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (onlyPositionals || !token.startsWith("-") || token.equals("-")) {
        positionals.add(token);
        continue;
      }
      if (token.equals("--")) {
        onlyPositionals = true;
        continue;
      }
      if (HELP.contains(token)) {
        help = true;
        continue;
      }
      String name = token;
      String value = null;
      int eq = token.indexOf('=');
      if (token.startsWith("--") && eq > 0) {
        name = token.substring(0, eq);
        value = token.substring(eq + 1);
      }
      Flag flag = spec.find(name);
      if (flag == null) {
        throw new UsageException("unknown flag \"" + name + "\"");
      }
      String key = flag.names().getFirst();
      if (values.containsKey(key)) {
        throw new UsageException(name + " is given twice");
      }
      if (!flag.takesValue()) {
        if (value != null) {
          throw new UsageException(name + " takes no value");
        }
        values.put(key, "true");
        continue;
      }
      if (value == null) {
        if (i + 1 >= tokens.size()) {
          throw new UsageException(name + " needs a value");
        }
        value = tokens.get(++i);
      }
      values.put(key, value);
    }
    return new Args(values, positionals, help);
  }

  /** The flag's value (by its first spelling), or null when not given. */
  String value(String name) {
    return values.get(name);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  List<String> positionals() {
    return positionals;
  }

  /** At most {@code max} positionals; more is a usage error naming the first extra one. */
  List<String> positionals(int max, String what) {
    if (positionals.size() > max) {
      throw new UsageException("unexpected argument \"" + positionals.get(max) + "\" (expected: " + what + ")");
    }
    return positionals;
  }

  boolean help() {
    return help;
  }

  /** {@code --format}: one of {@code allowed}, {@code table} when not given. */
  String format(List<String> allowed) {
    String format = values.getOrDefault("--format", "table");
    if (!allowed.contains(format)) {
      throw new UsageException("--format " + format + " is not supported here (expected: "
          + String.join(", ", allowed) + ")");
    }
    return format;
  }
}
