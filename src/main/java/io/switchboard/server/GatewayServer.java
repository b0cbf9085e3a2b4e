package io.switchboard.server;

import io.switchboard.auth.AuthThrottle;
import io.switchboard.auth.ClientRateLimit;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final Duration shutdownTimeout;
  private final List<GatewayVerticle> verticles = new CopyOnWriteArrayList<>();
  private String deploymentId;
  private int port;

  private GatewayServer(Vertx vertx, boolean ownsVertx, TargetHealth health, PluginChain plugins,
      Duration shutdownTimeout) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.health = health;
    this.plugins = plugins;
    this.shutdownTimeout = shutdownTimeout;
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
    List<String> unserved = config.notYetServed();
    if (!unserved.isEmpty()) {
      if (ownsVertx) {
        vertx.close();
      }
      return Future.failedFuture(new IllegalStateException("the config asks for what this build does not do yet:\n  "
          + String.join("\n  ", unserved)));
    }
    String exposed = exposure(config.server());
    if (exposed != null) {
      if (ownsVertx) {
        vertx.close();
      }
      return Future.failedFuture(new IllegalStateException(exposed));
    }
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
    GatewayServer server = new GatewayServer(vertx, ownsVertx, health, plugins, config.server().shutdownTimeout());
    int[] boundPort = {config.server().port() == 0 ? freePort(config.server().host()) : config.server().port()};
    GatewayConfig.Limits clientLimits = config.server().limits();
    Shared shared = new Shared(new AtomicInteger(), AuthThrottle.standard(), clientLimits.limitsClientRate()
        ? ClientRateLimit.of(clientLimits.clientRps(), clientLimits.clientBurst()) : null);
    Future<String> deployed = health.start()
        .compose(v -> plugins.start())
        .compose(v -> vertx.deployVerticle(() -> {
          GatewayVerticle verticle = new GatewayVerticle(config, boundPort, stats, health, plugins, shared);
          server.verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(instances)));
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

  /** What every event loop's server shares: the count of open client connections, the failed-key throttle. */
  /** {@code clientRate} is null when there is no per-address limit. */
  private record Shared(AtomicInteger openConnections, AuthThrottle throttle, ClientRateLimit clientRate) {}

  /**
   * Why the gateway must not listen as configured, or null: without a key, nobody off this host may use it
   * (an open relay spends the provider keys) unless {@code ALLOW_UNAUTHENTICATED_PROXY} says so.
   */
  static String exposure(GatewayConfig.Server server) {
    GatewayConfig.Access access = server.access();
    if (access.authenticates() || access.allowUnauthenticated() || EdgePolicy.isLoopbackBind(server.host())) {
      return null;
    }
    return "refusing to listen on " + server.host() + " without client authentication: set MASTER_KEY (or "
        + "server.master_key) so clients must present a key, listen on 127.0.0.1, or set "
        + "ALLOW_UNAUTHENTICATED_PROXY=true to serve anyone who can reach the port";
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
   * Stops as SIGTERM asks: the listeners close at once (a new connection is refused, a new request on an open
   * one gets a 503, readiness answers 503), requests in flight get up to the shutdown timeout to finish, those
   * still running are then ended with a 503 and recorded, the plugins flush (every log and spend row), and
   * everything closes.
   */
  public Future<Void> stop() {
    // Not bound to a Vert.x context: its listeners must still run once Vert.x itself is closed.
    Promise<Void> stopped = Promise.promise();
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    Future.all(verticles.stream().map(GatewayVerticle::drain).toList())
        .transform(ar -> idle(deadline))
        .transform(ar -> Future.all(verticles.stream().map(GatewayVerticle::cutInFlight).toList()))
        .transform(ar -> deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId))
        .eventually(plugins::close)
        .eventually(health::close)
        .onComplete(ar -> {
          if (!ownsVertx) {
            stopped.handle(ar.mapEmpty());
          } else {
            // Closed from outside its event loops: Vert.x cannot finish closing while one of them waits on it.
            Thread.ofVirtual().name("switchboard-close").start(() -> vertx.close().onComplete(stopped));
          }
        });
    return stopped.future();
  }

  /** Completes once no loop has a request in flight, or at {@code deadline}. */
  private Future<Void> idle(long deadline) {
    Promise<Void> idle = Promise.promise();
    waitForIdle(idle, deadline);
    return idle.future();
  }

  private void waitForIdle(Promise<Void> idle, long deadline) {
    Future.all(verticles.stream().map(GatewayVerticle::inFlight).toList()).onComplete(ar -> {
      int total = ar.succeeded() ? ar.result().<Integer>list().stream().mapToInt(Integer::intValue).sum() : 0;
      if (total == 0 || System.nanoTime() > deadline) {
        if (total > 0) {
          LOG.warn("shutdown: {} request(s) still in flight after {} s (server.shutdown_timeout); ending them with "
              + "503", total, shutdownTimeout.toSeconds());
        }
        idle.complete();
      } else {
        vertx.setTimer(10, id -> waitForIdle(idle, deadline));
      }
    });
  }

  private static final class GatewayVerticle extends VerticleBase {
    private static final long CLOSE_AFTER_CUT_MILLIS = 5_000;

    private final GatewayConfig config;
    private final int[] port;  // shared by the instances, fixed before they start
    private final TargetStats stats;
    private final TargetHealth health;
    private final PluginChain plugins;
    private final Shared shared;
    private UpstreamClients clients;
    private HttpServer server;
    private ApiHandler handler;

    GatewayVerticle(GatewayConfig config, int[] port, TargetStats stats, TargetHealth health, PluginChain plugins,
        Shared shared) {
      this.config = config;
      this.port = port;
      this.stats = stats;
      this.health = health;
      this.plugins = plugins;
      this.shared = shared;
    }

    @Override
    public Future<?> start() {
      clients = UpstreamClients.create(vertx, config);
      Gateway gateway = Gateway.create(config, vertx, clients, stats, health, plugins);
      GatewayConfig.Limits limits = config.server().limits();
      HttpServerOptions options = new HttpServerOptions()
          .setHost(config.server().host())
          .setPort(port[0])
          .setTcpNoDelay(true)
          .setHandle100ContinueAutomatically(true)
          .setMaxHeaderSize(limits.maxHeaderBytes())
          .setMaxInitialLineLength(8192)
          .setHttp2ClearTextEnabled(config.server().h2c())
          // Writes go straight to the channel instead of through a queue each connection keeps for writes from
          // other threads (4.7 KB a connection, 24 MB at 5,000 open streams). ApiHandler answers on this loop.
          .setStrictThreadMode(true);
      ConnectionGuard connections = new ConnectionGuard(vertx, limits, shared.openConnections());
      handler = new ApiHandler(gateway, (ContextInternal) context, shared.throttle(), shared.clientRate(),
          connections);
      Promise<HttpServer> listening = Promise.promise();
      vertx.createHttpServer(options)
          .connectionHandler(connections::opened)
          .invalidRequestHandler(InvalidRequests::answer)
          .requestHandler(handler)
          .listen()
          .onComplete(listening);
      return listening.future().onSuccess(s -> server = s);
    }

    /** On this verticle's loop: refuse new requests, and stop listening (connections stay for their answers). */
    Future<Void> drain() {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> {
        if (handler != null) {
          handler.drain();
        }
        // Unbinds now; open connections are closed as their exchanges end (idle ones at once, by the handler).
        // Vert.x closes any left a little after the deadline, once the cut requests' answers are out: a later
        // close() waits for this grace rather than cutting it short.
        if (server != null) {
          server.shutdown(config.server().shutdownTimeout().toMillis() + CLOSE_AFTER_CUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        done.complete();
      });
      return done.future();
    }

    Future<Integer> inFlight() {
      Promise<Integer> count = Promise.promise();
      context.runOnContext(v -> count.complete(handler == null ? 0 : handler.inFlight()));
      return count.future();
    }

    Future<Void> cutInFlight() {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> {
        if (handler != null) {
          handler.cutInFlight();
        }
        done.complete();
      });
      return done.future();
    }

    @Override
    public Future<?> stop() {
      return (server == null ? Future.succeededFuture() : server.close())
          .eventually(() -> clients == null ? Future.succeededFuture() : clients.close());
    }
  }
}
