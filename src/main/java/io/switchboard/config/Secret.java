package io.switchboard.config;

import java.util.Objects;

/** A credential. Its {@code toString()} never shows the value, so a logged record cannot leak it. */
public record Secret(String value) {
  public Secret {
    Objects.requireNonNull(value, "value");
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "<empty>" : "<redacted>";
  }
}
