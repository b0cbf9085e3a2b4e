package io.switchboard.cli;

import io.switchboard.config.ConfigException;
import io.switchboard.config.GatewayConfig;
import io.switchboard.server.GatewayServer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** {@code switchboard serve}: starts the gateway and keeps the process alive until SIGTERM or SIGINT. */
final class ServeCommand implements Command {
  /** Past the server's shutdown timeout: time to flush the request log and close the stores. */
  private static final long FLUSH_SECONDS = 20;

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "Start the gateway";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard serve [--config FILE] [--port N] [--host ADDRESS]
        Without --config, reads GATEWAY_CONFIG, else the embedded default config (the built-in mock provider,
        no API key needed). PORT sets the port when --port is not given (default 8080). MASTER_KEY turns client
        authentication on. SIGTERM or SIGINT stops it gracefully (exit 0).""";
  }

  @Override
  public Args.Spec flags() {
    return Args.Spec.of(Args.Flag.value("--config", "-c"), Args.Flag.value("--port", "-p"),
        Args.Flag.value("--host"));
  }

  @Override
  public int run(Args args, Io io) {
    args.positionals(0, "flags only; the config file goes after --config");
    String file = ConfigFile.choose(args, io);
    GatewayConfig config;
    try {
      config = ConfigFile.load(file, io);
    } catch (ConfigException e) {
      ConfigFile.report(file, e, io);
      return 1;
    }
    String portText = args.has("--port") ? args.value("--port") : io.env().get("PORT");
    int port = config.server().port();
    if (portText != null && !portText.isBlank()) {
      try {
        port = Integer.parseInt(portText.trim());
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        io.error("port: \"" + portText + "\" is not a port (expected: 0 to 65535)");
        return 2;
      }
    }
    String host = args.has("--host") ? args.value("--host") : config.server().host();
    GatewayConfig effective = config.withServer(config.server().withListener(host, port));
    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    CountDownLatch started = new CountDownLatch(1);
    int[] result = {-1};
    GatewayServer.start(effective).onComplete(ar -> {
      if (ar.succeeded()) {
        log.info("Switchboard {} listening on http://{}:{} ({}; {} providers: {}; strategy {})", Main.version(),
            host, ar.result().port(), file == null ? "embedded default config" : file, effective.providers().size(),
            String.join(", ", effective.providers().stream().map(p -> p.key() + "=" + p.type().configName()).toList()),
            ConfigSummary.strategy(effective));
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
        io.error("could not start: " + ar.cause().getMessage());
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
}
