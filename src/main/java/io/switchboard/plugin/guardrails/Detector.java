package io.switchboard.plugin.guardrails;

import java.util.List;

/** A pure, thread-safe scanner: the same text always gives the same findings, ordered by start. */
public interface Detector {
  List<Finding> find(String text);
}
