package io.switchboard.server;

import io.switchboard.config.GatewayConfig;
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
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Starts the gateway: one verticle per event loop, each with its own HTTP client and providers, all
 * sharing the listening port.
 */
public final class GatewayServer {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final TargetHealth health;
  private String deploymentId;
  private int port;

  private GatewayServer(Vertx vertx, boolean ownsVertx, TargetHealth health) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.health = health;
  }

  /** Starts on the config's host and port (port 0 picks a free one; see {@link #port()}). */
  public static Future<GatewayServer> start(GatewayConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(config.server().eventLoops()));
    return start(vertx, true, config);
  }

  public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, false, config);
  }

  private static Future<GatewayServer> start(Vertx vertx, boolean ownsVertx, GatewayConfig config) {
    int instances = config.server().eventLoops();
    TargetStats stats = new LocalTargetStats();
    // One health instance for every loop: concurrency caps and breakers count across all of them.
    HealthStore store = switch (config.resilience().state().backend()) {
      case MEMORY -> HealthStore.memory();
      case REDIS -> new RedisHealthStore(vertx, config.resilience().state(), config.targets());
    };
    TargetHealth health = new TargetHealth(config.targets(), store, System::currentTimeMillis);
    GatewayServer server = new GatewayServer(vertx, ownsVertx, health);
    int[] boundPort = {config.server().port() == 0 ? freePort(config.server().host()) : config.server().port()};
    Future<String> deployed = health.start().compose(v -> vertx.deployVerticle(
        () -> new GatewayVerticle(config, boundPort, stats, health), new DeploymentOptions().setInstances(instances)));
    return deployed
        .map(id -> {
          server.deploymentId = id;
          server.port = boundPort[0];
          return server;
        })
        .onFailure(t -> {
          health.close();
          // Report first, close after: listeners of a closed Vert.x would never run.
          if (ownsVertx) {
            vertx.close();
          }
        });
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

  public Future<Void> stop() {
    Future<Void> stopped = ownsVertx ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return stopped.eventually(health::close).compose(v -> ownsVertx ? vertx.close() : Future.succeededFuture());
  }

  private static final class GatewayVerticle extends VerticleBase {
    private final GatewayConfig config;
    private final int[] port;  // shared by the instances, fixed before they start
    private final TargetStats stats;
    private final TargetHealth health;
    private HttpClient client;

    GatewayVerticle(GatewayConfig config, int[] port, TargetStats stats, TargetHealth health) {
      this.config = config;
      this.port = port;
      this.stats = stats;
      this.health = health;
    }

    @Override
    public Future<?> start() {
      client = vertx.createHttpClient(new HttpClientOptions()
              .setKeepAlive(true)
              .setTcpNoDelay(true)
              .setVerifyHost(true)
              .setKeepAliveTimeout(60),
          new PoolOptions().setHttp1MaxSize(512).setMaxWaitQueueSize(4096));
      Gateway gateway = Gateway.create(config, vertx, client, stats, health);
      HttpServerOptions options = new HttpServerOptions()
          .setHost(config.server().host())
          .setPort(port[0])
          .setTcpNoDelay(true)
          .setHandle100ContinueAutomatically(true)
          .setMaxHeaderSize(64 * 1024);
      Promise<HttpServer> listening = Promise.promise();
      vertx.createHttpServer(options)
          .requestHandler(new ApiHandler(gateway))
          .listen()
          .onComplete(listening);
      return listening.future();
    }

    @Override
    public Future<?> stop() {
      return client == null ? Future.succeededFuture() : client.close();
    }
  }
}
