package io.switchboard.cli;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import java.nio.file.Path;

/** {@code switchboard validate [FILE | --config FILE]}: loads a config as {@code serve} would, and says what it holds. */
final class ValidateCommand implements Command {
  @Override
  public String name() {
    return "validate";
  }

  @Override
  public String summary() {
    return "Check a config file (YAML or JSON) and summarise it";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard validate FILE
          switchboard validate --config FILE
        Loads the config as serve would (environment variables substituted, every field checked) and prints
        its strategy, targets, providers, plugins and aliases. Without a file, reads GATEWAY_CONFIG.
        A ${VAR} this environment does not set is noted rather than refused (the file is often checked away
        from the machine with its secrets); serve refuses it. So are blocks this build reads but does not
        serve yet, which serve refuses too.
        Exit status: 0 valid, 1 not valid (each problem printed as "path: problem"), 2 bad arguments.""";
  }

  @Override
  public Args.Spec flags() {
    return Args.Spec.of(Args.Flag.value("--config", "-c"));
  }

  @Override
  public int run(Args args, Io io) {
    String file = ConfigFile.choose(args, io);
    if (file == null) {
      throw new Args.UsageException("needs a config file: switchboard validate FILE (or set "
          + ConfigFile.VARIABLE + ")");
    }
    ConfigLoader.Checked checked;
    try {
      checked = ConfigLoader.check(Path.of(file), io.env());
    } catch (ConfigException e) {
      ConfigFile.report(file, e, io);
      return 1;
    }
    GatewayConfig config = checked.config();
    io.out().println("[OK] " + file + " is valid");
    ConfigSummary.lines(config).forEach(line -> io.out().println("  " + line));
    checked.notes().forEach(note -> io.out().println("  Note: " + note));
    config.notYetServed().forEach(note -> io.out().println("  Note: serve refuses " + note));
    return 0;
  }
}
