package io.switchboard.cli;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import java.nio.file.Path;

/** Which config file a verb reads, and how a refused one is reported. */
final class ConfigFile {
  static final String VARIABLE = "GATEWAY_CONFIG";

  private ConfigFile() {}

  /**
   * The file named by the positional argument or {@code --config} (not both), else {@code GATEWAY_CONFIG}, else
   * null.
   */
  static String choose(Args args, Io io) {
    String flag = args.value("--config");
    String positional = args.positionals(1, "one config file").isEmpty() ? null : args.positionals().getFirst();
    if (flag != null && positional != null) {
      throw new Args.UsageException("give the config file once: as an argument or with --config, not both");
    }
    String file = flag != null ? flag : positional;
    return file != null ? file : io.variable(VARIABLE);
  }

  /** Loads {@code file}, or the embedded default config when it is null. */
  static GatewayConfig load(String file, Io io) {
    return file == null ? ConfigLoader.embeddedDefault(io.env()) : ConfigLoader.load(Path.of(file), io.env());
  }

  /** The problems, one a line, under a line naming the file; no value of the config is ever shown. */
  static void report(String file, ConfigException e, Io io) {
    io.error((file == null ? "the embedded config" : file) + " is not a valid config (" + e.problems().size()
        + (e.problems().size() == 1 ? " problem" : " problems") + "):");
    e.problems().forEach(p -> io.err().println("  " + p));
  }
}
