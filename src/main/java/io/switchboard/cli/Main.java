package io.switchboard.cli;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.server.GatewayServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code switchboard serve|validate|--version}. */
public final class Main {
  /** Above the server's 20 s grace for requests in flight, plus time to flush the request log. */
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 40;
  private static final String USAGE = """
      Usage:
        switchboard serve [--config FILE] [--port N] [--host ADDRESS]
        switchboard validate --config FILE
        switchboard --version
      Without --config, serve reads GATEWAY_CONFIG, else the embedded default config (the built-in mock
      provider, no API key needed). PORT sets the port when --port is not given (default 8080).""";

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
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("--version") || args[0].equals("version")) {
      out.println("switchboard " + version());
      return 0;
    }
    Options options;
    try {
      options = Options.parse(args, 1);
    } catch (IllegalArgumentException e) {
      err.println("switchboard: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    return switch (args[0]) {
      case "validate" -> validate(options, env, out, err);
      case "serve" -> serve(options, env, err);
      default -> {
        err.println("switchboard: unknown command \"" + args[0] + "\"");
        err.println(USAGE);
        yield 2;
      }
    };
  }

  private static int validate(Options options, Map<String, String> env, PrintStream out, PrintStream err) {
    String file = options.config != null ? options.config : env.get("GATEWAY_CONFIG");
    if (file == null) {
      err.println("switchboard: validate needs --config FILE");
      return 2;
    }
    try {
      GatewayConfig config = ConfigLoader.load(Path.of(file), env);
      out.println(file + ": OK (" + config.providers().size() + " providers, " + config.targets().size()
          + " targets, strategy " + config.strategy().mode().configName() + ")");
      return 0;
    } catch (ConfigException e) {
      report(file, e, err);
      return 1;
    }
  }

  private static void stop(GatewayServer server, Logger log) {
    log.info("Switchboard stopping: finishing requests in flight and flushing plugins");
    try {
      server.stop().toCompletionStage().toCompletableFuture().get(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("Switchboard stopped");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Switchboard did not stop cleanly within {} s: {}", SHUTDOWN_TIMEOUT_SECONDS, e.toString());
    }
  }

  private static int serve(Options options, Map<String, String> env, PrintStream err) {
    String file = options.config != null ? options.config : env.get("GATEWAY_CONFIG");
    GatewayConfig config;
    try {
      config = file == null ? ConfigLoader.embeddedDefault() : ConfigLoader.load(Path.of(file), env);
    } catch (ConfigException e) {
      report(file, e, err);
      return 1;
    }
    String portText = options.port != null ? options.port : env.get("PORT");
    int port = config.server().port();
    if (portText != null && !portText.isBlank()) {
      try {
        port = Integer.parseInt(portText.trim());
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        err.println("switchboard: port: \"" + portText + "\" is not a port (expected: 0 to 65535)");
        return 2;
      }
    }
    String host = options.host != null ? options.host : config.server().host();
    GatewayConfig effective = config.withServer(config.server().withListener(host, port));
    Logger log = LoggerFactory.getLogger(Main.class);
    CountDownLatch started = new CountDownLatch(1);
    int[] result = {-1};
    GatewayServer.start(effective).onComplete(ar -> {
      if (ar.succeeded()) {
        log.info("Switchboard {} listening on http://{}:{} ({}; {} providers: {}; strategy {})", version(), host,
            ar.result().port(), file == null ? "embedded default config" : file, effective.providers().size(),
            String.join(", ", effective.providers().stream().map(p -> p.key() + "=" + p.type().configName()).toList()),
            effective.strategy().mode().configName());
        List<String> plugins = effective.plugins().stream().filter(GatewayConfig.Plugin::enabled)
            .map(p -> p.name() + "@" + p.stage()).toList();
        if (!plugins.isEmpty()) {
          log.info("plugins: {}", String.join(", ", plugins));
        }
        // SIGTERM: stop accepting, let requests in flight finish, flush the plugins (the request log), then
        // exit. The JVM halts when this hook returns, so it waits for all of that.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(ar.result(), log), "switchboard-shutdown"));
      } else {
        err.println("switchboard: could not start: " + ar.cause().getMessage());
        result[0] = 1;
      }
      started.countDown();
    });
    try {
      started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    return result[0];
  }

  private static void report(String file, ConfigException e, PrintStream err) {
    err.println("switchboard: " + (file == null ? "the embedded config" : file) + " is not a valid config ("
        + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + "):");
    e.problems().forEach(p -> err.println("  " + p));
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

  private record Options(String config, String port, String host) {
    static Options parse(String[] args, int from) {
      String config = null;
      String port = null;
      String host = null;
      List<String> rest = new ArrayList<>(List.of(args).subList(from, args.length));
      while (!rest.isEmpty()) {
        String arg = rest.removeFirst();
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          value = arg.substring(eq + 1);
          arg = arg.substring(0, eq);
        }
        if (!arg.equals("--config") && !arg.equals("-c") && !arg.equals("--port") && !arg.equals("-p")
            && !arg.equals("--host")) {
          throw new IllegalArgumentException("unknown option \"" + arg + "\"");
        }
        if (value == null) {
          if (rest.isEmpty()) {
            throw new IllegalArgumentException(arg + " needs a value");
          }
          value = rest.removeFirst();
        }
        switch (arg) {
          case "--config", "-c" -> config = value;
          case "--port", "-p" -> port = value;
          default -> host = value;
        }
      }
      return new Options(config, port, host);
    }
  }
}
