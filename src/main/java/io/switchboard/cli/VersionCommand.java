package io.switchboard.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.util.List;
import java.util.Locale;

/** {@code switchboard version}: this build's version, and the Java and platform it runs on. */
final class VersionCommand implements Command {
  @Override
  public String name() {
    return "version";
  }

  @Override
  public String summary() {
    return "Print version information";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard version [--format table|json]
        Prints the version, the Java runtime and the platform. "switchboard --version" prints the version alone.""";
  }

  @Override
  public Args.Spec flags() {
    return Args.Spec.of(Args.FORMAT);
  }

  @Override
  public int run(Args args, Io io) {
    args.positionals(0, "no arguments");
    String format = args.format(List.of("table", "json"));
    String java = Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")";
    String platform = System.getProperty("os.name", "?").toLowerCase(Locale.ROOT) + "/"
        + System.getProperty("os.arch", "?");
    if (format.equals("json")) {
      ObjectNode json = Json.MAPPER.createObjectNode().put("version", Main.version()).put("java", java)
          .put("os_arch", platform);
      io.out().println(json.toPrettyString());
    } else {
      io.out().println("  Version   " + Main.version());
      io.out().println("  Java      " + java);
      io.out().println("  OS/Arch   " + platform);
    }
    return 0;
  }
}
