package io.switchboard.api;

/** What a translating provider does with a request parameter its upstream has no equivalent for. */
public enum UnsupportedParamPolicy {
  /** Drop it and log a warning (the default). */
  WARN,
  /** Drop it silently. */
  DROP,
  /** Answer 400 naming the parameter and the provider. */
  REJECT
}
