package io.switchboard.routing.health;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.GatewayConfig.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Breaker and parking changes shared by every replica through Redis. Requests never wait on Redis: each
 * replica decides from its own state, and a change is published (PUBLISH, plus a key that expires with the
 * state it describes, for replicas that start later) and applied by the others as the message arrives,
 * typically within a millisecond. Consistency is eventual: in that window another replica may still send a
 * request or two to a target just opened, and each replica runs its own half-open probes (up to
 * {@code max_half_threshold} at once on each replica). Failure counts
 * stay per replica; what is shared is the outcome (opened until, closed, parked until). When Redis is
 * unreachable, each replica carries on with its local state and the subscription is retried every second.
 */
public final class RedisHealthStore implements HealthStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisHealthStore.class);
  private static final long RECONNECT_MILLIS = 1000;
  private static final long WARN_EVERY_MILLIS = 10_000;

  private final Vertx vertx;
  private final Redis client;
  private final String prefix;
  private final String channel;
  private final List<String> targetIds;
  private final String origin = UUID.randomUUID().toString();
  private final AtomicLong lastWarning = new AtomicLong();
  private volatile Consumer<HealthEvent> listener = e -> {};
  private volatile RedisConnection subscription;
  private volatile boolean closed;

  public RedisHealthStore(Vertx vertx, GatewayConfig.State state, List<Target> targets) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(state.url()));
    this.prefix = state.keyPrefix();
    this.channel = state.keyPrefix() + "health";
    this.targetIds = targets.stream().map(Target::id).toList();
  }

  /** Fails when Redis cannot be reached at startup: a misconfigured backend should not go unnoticed. */
  @Override
  public Future<Void> start(Consumer<HealthEvent> listener) {
    this.listener = listener;
    return subscribe().compose(v -> replay());
  }

  private Future<Void> subscribe() {
    return client.connect().compose(conn -> {
      conn.handler(this::onMessage);
      conn.exceptionHandler(t -> warn("Redis subscription failed: " + t));
      conn.endHandler(v -> resubscribeLater());
      subscription = conn;
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).mapEmpty();
    });
  }

  private void resubscribeLater() {
    subscription = null;
    if (closed) {
      return;
    }
    warn("Redis subscription lost; breaker and parking state is local until it is back");
    vertx.setTimer(RECONNECT_MILLIS, id -> {
      if (!closed) {
        subscribe().compose(v -> replay()).onFailure(t -> resubscribeLater());
      }
    });
  }

  /** Reads the keys other replicas left: breakers still open, targets still parked. */
  private Future<Void> replay() {
    if (targetIds.isEmpty()) {
      return Future.succeededFuture();
    }
    Request mget = Request.cmd(Command.MGET);
    for (String id : targetIds) {
      mget.arg(openKey(id)).arg(parkKey(id));
    }
    return client.send(mget).map(values -> {
      long now = System.currentTimeMillis();
      for (int i = 0; i < targetIds.size(); i++) {
        long openUntil = asLong(values.get(2 * i));
        long parkedUntil = asLong(values.get(2 * i + 1));
        if (openUntil > now) {
          listener.accept(new HealthEvent(HealthEvent.Kind.OPENED, targetIds.get(i), openUntil));
        }
        if (parkedUntil > now) {
          listener.accept(new HealthEvent(HealthEvent.Kind.PARKED, targetIds.get(i), parkedUntil));
        }
      }
      return null;
    });
  }

  private static long asLong(Response r) {
    if (r == null) {
      return 0;
    }
    try {
      return Long.parseLong(r.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void onMessage(Response message) {
    // ["message", channel, payload], as a RESP2 array or a RESP3 push
    if (message == null || message.size() < 3 || !"message".equals(message.get(0).toString())) {
      return;
    }
    String payload = message.get(2).toString();
    int space = payload.indexOf(' ');
    if (space < 0 || payload.substring(0, space).equals(origin)) {
      return;  // ours, already applied
    }
    HealthEvent event = HealthEvent.decode(payload.substring(space + 1));
    if (event != null) {
      listener.accept(event);
    }
  }

  @Override
  public void publish(HealthEvent event) {
    long ttl = event.untilMillis() - System.currentTimeMillis();
    List<Request> batch = new ArrayList<>(2);
    switch (event.kind()) {
      case OPENED -> {
        if (ttl > 0) {
          batch.add(Request.cmd(Command.SET).arg(openKey(event.targetId())).arg(event.untilMillis()).arg("PX").arg(ttl));
        }
      }
      case CLOSED -> batch.add(Request.cmd(Command.DEL).arg(openKey(event.targetId())));
      case PARKED -> {
        if (ttl > 0) {
          batch.add(Request.cmd(Command.SET).arg(parkKey(event.targetId())).arg(event.untilMillis()).arg("PX").arg(ttl));
        }
      }
    }
    batch.add(Request.cmd(Command.PUBLISH).arg(channel).arg(origin + ' ' + event.encode()));
    client.batch(batch).onFailure(t -> warn("could not publish " + event.kind() + " for target "
        + event.targetId() + " to Redis: " + t.getMessage()));
  }

  @Override
  public Future<Void> close() {
    closed = true;
    RedisConnection sub = subscription;
    Future<Void> done = sub == null ? Future.succeededFuture() : sub.close().otherwiseEmpty();
    return done.eventually(client::close).otherwiseEmpty();
  }

  private String openKey(String targetId) {
    return prefix + "open:" + targetId;
  }

  private String parkKey(String targetId) {
    return prefix + "park:" + targetId;
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
      LOG.warn(message);
    }
  }
}
