package io.switchboard.plugin;

import java.util.Locale;

/**
 * Where a plugin acts. Every plugin wraps the upstream call; its stage says which side of it the plugin
 * works on: the request ({@code before_request}), the answer ({@code after_request}), or only requests that
 * failed ({@code on_error}). Each plugin accepts the stages that make sense for it and a config naming
 * another one is refused at startup.
 */
public enum Stage {
  BEFORE_REQUEST,
  AFTER_REQUEST,
  ON_ERROR;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stage a config value names, or null. */
  public static Stage of(String value) {
    for (Stage s : values()) {
      if (s.configName().equals(value)) {
        return s;
      }
    }
    return null;
  }
}
