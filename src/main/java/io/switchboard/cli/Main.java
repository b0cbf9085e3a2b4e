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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** {@code switchboard serve|validate|--version}. */
public final class Main {
  /** Past the server's shutdown timeout: time to flush the request log and close the stores. */
  private static final long FLUSH_SECONDS = 20;
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

  private static void stop(GatewayServer server, long timeoutSeconds, Logger log) {
    log.info("Switchboard stopping: no new requests; finishing those in flight (up to {} s) and flushing plugins",
        timeoutSeconds - FLUSH_SECONDS);
    try {
      server.stop().toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
      log.info("Switchboard stopped");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Switchboard did not stop cleanly within {} s: {}", timeoutSeconds, e.toString());
    }
  }

  /**
   * SIGTERM and SIGINT stop the gateway gracefully and exit 0: a shutdown asked for and completed is a success
   * (the JVM's own handling would exit 143 whatever happened). Anything else that ends the JVM still runs the
   * same stop through a shutdown hook, once.
   */
  private static void onSignals(GatewayServer server, long timeoutSeconds, Logger log) {
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stopOnce = () -> {
      if (stopping.compareAndSet(false, true)) {
        stop(server, timeoutSeconds, log);
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(stopOnce, "switchboard-shutdown"));
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (stopping.get()) {
            // A second signal does not cut the flush short: rows still queued would be lost.
            log.warn("already stopping: finishing requests in flight and flushing (SIGKILL stops at once)");
            return;
          }
          Thread.ofPlatform().name("switchboard-stop").start(() -> {
            stopOnce.run();
            System.exit(0);
          });
        });
      } catch (IllegalArgumentException e) {
        log.debug("signal {} cannot be handled here; the shutdown hook stops the gateway", name);
      }
    }
  }

  private static int serve(Options options, Map<String, String> env, PrintStream err) {
    String file = options.config != null ? options.config : env.get("GATEWAY_CONFIG");
    GatewayConfig config;
    try {
      config = file == null ? ConfigLoader.embeddedDefault(env) : ConfigLoader.load(Path.of(file), env);
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
        GatewayConfig.Access access = effective.server().access();
        if (access.authenticates()) {
          log.info("clients authenticate with the master key (Authorization: Bearer, or x-api-key)");
        } else if (access.allowUnauthenticated()) {
          log.warn("ALLOW_UNAUTHENTICATED_PROXY=true: anyone who can reach {}:{} can use the gateway and its "
              + "provider keys", host, ar.result().port());
        } else {
          log.info("no MASTER_KEY: clients are not authenticated, so the gateway serves this machine only "
              + "(loopback)");
        }
        onSignals(ar.result(), effective.server().shutdownTimeout().toSeconds() + FLUSH_SECONDS, log);
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
