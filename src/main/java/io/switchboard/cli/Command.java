package io.switchboard.cli;

/** One verb of {@code switchboard}: its flags, its help, and what it does. */
interface Command {
  /** The verb, as typed. */
  String name();

  /** One line for the overview of {@code switchboard --help}. */
  String summary();

  /** The verb's full help: usage line, flags, and what it reads from the environment. */
  String help();

  /** The flags this verb accepts (besides {@code -h}/{@code --help}). */
  Args.Spec flags();

  /**
   * Runs the verb; returns the exit code (0 done, 1 failed), or -1 when it started a server that keeps the
   * process alive. Bad arguments throw {@link Args.UsageException}, which exits 2.
   */
  int run(Args args, Io io);
}
