package io.switchboard.cli;

import java.io.PrintStream;

/** Check results, one line each, under section headings, counting the failures. */
final class Report {
  private final PrintStream out;
  private int failures;

  Report(PrintStream out) {
    this.out = out;
  }

  void section(String title) {
    out.println();
    out.println("  " + title);
  }

  void pass(String text) {
    out.println("    [OK] " + text);
  }

  void fail(String text) {
    failures++;
    out.println("    [X]  " + text);
  }

  /** Not a failure, but worth a look. */
  void warn(String text) {
    out.println("    [!]  " + text);
  }

  /** Nothing to check. */
  void skip(String text) {
    out.println("    [-]  " + text);
  }

  int failures() {
    return failures;
  }
}
