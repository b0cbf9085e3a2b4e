package io.switchboard.config;

import java.util.AbstractMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The environment as the loader sees it, remembering every variable it reads (for {@code ${VAR}}, a provider's
 * {@code <P>_API_KEY}, ...), so that no problem message prints one of their values: they are API keys as often
 * as not, and a message names the variable instead.
 */
final class ReadEnvironment extends AbstractMap<String, String> {
  // Shorter values are replaced only where a problem quotes them whole: a variable holding "info" must not
  // rewrite every "info" of a message, and a credential is longer.
  private static final int MIN_ANYWHERE = 8;

  private final Map<String, String> env;
  private final Map<String, String> read = new ConcurrentHashMap<>();

  ReadEnvironment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String get(Object name) {
    String value = env.get(name);
    if (value != null && !value.isBlank()) {
      read.put((String) name, value);
    }
    return value;
  }

  @Override
  public boolean containsKey(Object name) {
    return env.containsKey(name);
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return env.entrySet();
  }

  /** {@code problems} with every value read replaced by its variable's name. */
  List<String> scrub(List<String> problems) {
    List<Entry<String, String>> values = read.entrySet().stream()
        .sorted(Comparator.comparingInt((Entry<String, String> e) -> e.getValue().length()).reversed()).toList();
    return problems.stream().map(p -> {
      String out = p;
      for (Entry<String, String> e : values) {
        String name = "${" + e.getKey() + "}";
        out = out.replace("\"" + e.getValue() + "\"", "\"" + name + "\"");
        if (e.getValue().length() >= MIN_ANYWHERE) {
          out = out.replace(e.getValue(), name);
        }
        if (e.getValue().strip().length() >= MIN_ANYWHERE) {
          out = out.replace(e.getValue().strip(), name);
        }
      }
      return out;
    }).toList();
  }
}
