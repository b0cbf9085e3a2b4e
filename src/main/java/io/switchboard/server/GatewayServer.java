package io.switchboard.server;

import io.switchboard.config.GatewayConfig;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginChain;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Stage;
import io.switchboard.store.RequestLogLocation;
import io.switchboard.routing.LocalTargetStats;
import io.switchboard.routing.TargetStats;
import io.switchboard.routing.health.HealthStore;
import io.switchboard.routing.health.RedisHealthStore;
import io.switchboard.routing.health.TargetHealth;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway: one verticle per event loop, each with its own HTTP clients and providers, all
 * sharing the listening port.
 */
public final class GatewayServer {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final TargetHealth health;
  private final PluginChain plugins;
  private String deploymentId;
  private int port;

  private GatewayServer(Vertx vertx, boolean ownsVertx, TargetHealth health, PluginChain plugins) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.health = health;
    this.plugins = plugins;
  }

  /** Starts on the config's host and port (port 0 picks a free one; see {@link #port()}). */
  public static Future<GatewayServer> start(GatewayConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(config.server().eventLoops()));
    return start(vertx, true, config, List.of());
  }

  public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, false, config, List.of());
  }

  /**
   * Embedding Switchboard: {@code extraPlugins} (your own types, thread-safe) run after the configured ones,
   * innermost, and are started and closed with them.
   */
  public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config, List<Plugin> extraPlugins) {
    return start(vertx, false, config, extraPlugins);
  }

  private static Future<GatewayServer> start(Vertx vertx, boolean ownsVertx, GatewayConfig config,
      List<Plugin> extraPlugins) {
    int instances = config.server().eventLoops();
    for (GatewayConfig.Provider p : config.providers()) {
      if (p.tls().insecure()) {
        LOG.warn("provider {}: tls.insecure is true, so its upstream's certificate and host name are not verified",
            p.key());
      }
    }
    TargetStats stats = new LocalTargetStats();
    // One health instance for every loop: concurrency caps and breakers count across all of them.
    HealthStore store = switch (config.resilience().state().backend()) {
      case MEMORY -> HealthStore.memory();
      case REDIS -> new RedisHealthStore(vertx, config.resilience().state(), config.targets());
    };
    TargetHealth health = new TargetHealth(config.targets(), store, System::currentTimeMillis);
    PluginChain plugins;
    try {
      plugins = plugins(vertx, config, extraPlugins);
    } catch (RuntimeException e) {
      health.close();
      if (ownsVertx) {
        vertx.close();
      }
      return Future.failedFuture(e);
    }
    GatewayServer server = new GatewayServer(vertx, ownsVertx, health, plugins);
    int[] boundPort = {config.server().port() == 0 ? freePort(config.server().host()) : config.server().port()};
    Future<String> deployed = health.start()
        .compose(v -> plugins.start())
        .compose(v -> vertx.deployVerticle(() -> new GatewayVerticle(config, boundPort, stats, health, plugins),
            new DeploymentOptions().setInstances(instances)));
    return deployed
        .map(id -> {
          server.deploymentId = id;
          server.port = boundPort[0];
          return server;
        })
        .onFailure(t -> {
          plugins.close();
          health.close();
          // Report first, close after: listeners of a closed Vert.x would never run.
          if (ownsVertx) {
            vertx.close();
          }
        });
  }

  /** One instance of each enabled plugin, in configured order, shared by every event loop. */
  private static PluginChain plugins(Vertx vertx, GatewayConfig config, List<Plugin> extraPlugins) {
    Optional<RequestLogLocation> requestLog = config.plugins().stream()
        .filter(p -> p.enabled() && p.settings() != null)
        .flatMap(p -> p.settings().requestLog().stream())
        .findFirst();
    PluginContext context = new PluginContext(vertx, config.prices(), Clock.systemUTC(), requestLog, "",
        Stage.BEFORE_REQUEST);
    List<Plugin> plugins = new ArrayList<>();
    for (GatewayConfig.Plugin p : config.plugins()) {
      if (p.enabled()) {
        plugins.add(p.settings().create(context.forPlugin(p.name(), Stage.of(p.stage()))));
      }
    }
    plugins.addAll(extraPlugins);
    return plugins.isEmpty() ? PluginChain.empty() : new PluginChain(plugins);
  }

  /**
   * Instances share a listening socket only when they ask for the same port, so "any free port" is
   * resolved once, up front.
   */
  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /**
   * Stops accepting requests, lets the plugins flush (the request log), then closes. The listening sockets
   * close first so nothing new arrives while the plugins finish.
   */
  public Future<Void> stop() {
    // Not bound to a Vert.x context: its listeners must still run once Vert.x itself is closed.
    Promise<Void> stopped = Promise.promise();
    vertx.undeploy(deploymentId)
        .eventually(plugins::close)
        .eventually(health::close)
        .onComplete(ar -> {
          if (!ownsVertx) {
            stopped.handle(ar);
          } else {
            // Closed from outside its event loops: Vert.x cannot finish closing while one of them waits on it.
            Thread.ofVirtual().name("switchboard-close").start(() -> vertx.close().onComplete(stopped));
          }
        });
    return stopped.future();
  }

  private static final class GatewayVerticle extends VerticleBase {
    private static final long SHUTDOWN_GRACE_SECONDS = 20;

    private final GatewayConfig config;
    private final int[] port;  // shared by the instances, fixed before they start
    private final TargetStats stats;
    private final TargetHealth health;
    private final PluginChain plugins;
    private UpstreamClients clients;
    private HttpServer server;
    private ApiHandler handler;

    GatewayVerticle(GatewayConfig config, int[] port, TargetStats stats, TargetHealth health, PluginChain plugins) {
      this.config = config;
      this.port = port;
      this.stats = stats;
      this.health = health;
      this.plugins = plugins;
    }

    @Override
    public Future<?> start() {
      clients = UpstreamClients.create(vertx, config);
      Gateway gateway = Gateway.create(config, vertx, clients, stats, health, plugins);
      HttpServerOptions options = new HttpServerOptions()
          .setHost(config.server().host())
          .setPort(port[0])
          .setTcpNoDelay(true)
          .setHandle100ContinueAutomatically(true)
          .setMaxHeaderSize(64 * 1024)
          // Writes go straight to the channel instead of through a queue each connection keeps for writes from
          // other threads (4.7 KB a connection, 24 MB at 5,000 open streams). ApiHandler answers on this loop.
          .setStrictThreadMode(true);
      Promise<HttpServer> listening = Promise.promise();
      handler = new ApiHandler(gateway, (ContextInternal) context);
      vertx.createHttpServer(options)
          .requestHandler(handler)
          .listen()
          .onComplete(listening);
      return listening.future().onSuccess(s -> server = s);
    }

    /**
     * Graceful: requests in flight (streams included) get a while to finish, then the server closes. Idle
     * keep-alive connections do not hold the stop up, as they would with {@code HttpServer.shutdown}.
     */
    @Override
    public Future<?> stop() {
      Promise<Void> drained = Promise.promise();
      if (handler == null) {
        drained.complete();
      } else {
        handler.drain();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SHUTDOWN_GRACE_SECONDS);
        waitForIdle(drained, deadline);
      }
      return drained.future()
          .eventually(() -> server == null ? Future.succeededFuture() : server.close())
          .eventually(() -> clients == null ? Future.succeededFuture() : clients.close());
    }

    private void waitForIdle(Promise<Void> drained, long deadline) {
      if (handler.inFlight() == 0 || System.nanoTime() > deadline) {
        drained.complete();
      } else {
        vertx.setTimer(10, id -> waitForIdle(drained, deadline));
      }
    }
  }
}
