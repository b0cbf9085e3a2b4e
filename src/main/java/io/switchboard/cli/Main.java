package io.switchboard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code switchboard <verb>}: the verbs of Ferro's {@code ferrogw} (serve, validate, init, doctor, status,
 * plugins, version) plus {@code migrate}. This class only dispatches; each verb is a {@link Command}.
 */
public final class Main {
  static final List<Command> COMMANDS = List.of(new ServeCommand(), new ValidateCommand(), new InitCommand(),
      new DoctorCommand(), new StatusCommand(), new PluginsCommand(), new MigrateCommand(), new VersionCommand());
  private static final Set<String> HELP = Set.of("help", "-h", "--help");
  private static final List<String> GLOBAL_FLAGS = List.of("--gateway-url", "--api-key", "--format");

  private Main() {}

  public static void main(String[] args) {
    // Netty 4.2's allocator checks its JFR events on the first buffer it carves: that loads JFR and builds a
    // dozen annotation proxies, 0.1 s of the first request's time. -Dio.netty.jfr.enabled=true brings them back.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    int code = run(args, System.getenv(), System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
  }

  /** Returns the exit code, or -1 when a server was started and keeps the process alive. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Io io = new Io(env, out, err);
    args = hoistGlobalFlags(args);
    if (args.length == 0) {
      err.println(usage());
      return 2;
    }
    if (HELP.contains(args[0])) {
      if (args.length > 1 && command(args[1]) != null) {
        out.println(command(args[1]).help());
        return 0;
      }
      out.println(usage());
      return args.length > 1 ? 2 : 0;
    }
    if (args[0].equals("--version")) {
      out.println("switchboard " + version());
      return 0;
    }
    Command command = command(args[0]);
    if (command == null && args[0].equals("admin")) {
      // Ferro's admin verb drives an admin API (keys, logs, config) this version does not serve.
      io.error("admin (Ferro's admin API client: config, keys, logs, providers) is not available in this version; "
          + "\"switchboard plugins\" lists a running gateway's plugins");
      return 2;
    }
    if (command == null) {
      io.error("unknown command \"" + args[0] + "\"");
      err.println(usage());
      return 2;
    }
    try {
      Args parsed = Args.parse(Arrays.asList(args).subList(1, args.length), command.flags());
      if (parsed.help()) {
        out.println(command.help());
        return 0;
      }
      return command.run(parsed, io);
    } catch (Args.UsageException e) {
      io.error(command.name() + ": " + e.getMessage());
      err.println(command.help());
      return 2;
    }
  }

  /**
   * Ferro's global flags may come before the verb ({@code ferrogw --gateway-url URL status}): they are moved
   * after it, where the verb's own flags are read.
   */
  static String[] hoistGlobalFlags(String[] args) {
    List<String> global = new ArrayList<>();
    int i = 0;
    while (i < args.length && isGlobal(args[i])) {
      global.add(args[i]);
      if (!args[i].contains("=") && i + 1 < args.length) {
        global.add(args[i + 1]);
        i++;
      }
      i++;
    }
    if (global.isEmpty() || i >= args.length) {
      return args;
    }
    List<String> out = new ArrayList<>();
    out.add(args[i]);
    out.addAll(global);
    out.addAll(Arrays.asList(args).subList(i + 1, args.length));
    return out.toArray(String[]::new);
  }

  private static boolean isGlobal(String arg) {
    return GLOBAL_FLAGS.stream().anyMatch(f -> arg.equals(f) || arg.startsWith(f + "="));
  }

  private static Command command(String name) {
    return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  static String usage() {
    StringBuilder text = new StringBuilder("""
        Switchboard, an AI gateway that reads Ferro and LiteLLM configs.

        Usage:
          switchboard <command> [flags]

        Commands:
        """);
    for (Command c : COMMANDS) {
      text.append("  ").append(String.format("%-10s", c.name())).append(c.summary()).append('\n');
    }
    text.append("""

        Run "switchboard <command> --help" for a command's flags; "switchboard --version" prints the version.""");
    return text.toString();
  }

  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("/switchboard-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
