package io.switchboard.routing.health;

/** What an attempt says about its target's health. */
public enum Verdict {
  SUCCESS,
  /** Connection errors, timeouts, 5xx, malformed answers. */
  FAILURE,
  /** No verdict: a 4xx caused by the request, a 429 (which parks instead), a client that went away. */
  NEUTRAL
}
