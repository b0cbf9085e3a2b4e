package io.switchboard.plugin.budget;

import io.switchboard.plugin.RedisScript;
import io.switchboard.plugin.budget.Period.Window;
import io.switchboard.plugin.budget.Spend.Spent;
import io.switchboard.plugin.budget.Spend.Subjects;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spend shared by every replica: one Redis counter per key, user and key+model and period
 * ({@code <prefix>key:<keyId>:<period>}, {@code <prefix>user:<user>:<period>},
 * {@code <prefix>model:<keyId>:<model>:<period>}), in integer nano-dollars. A check is one MGET; an add is
 * one script that INCRBYs every counter and sets it to expire a day after its period ends, so a counter
 * never lives on without its expiry. Every call is bounded by the timeout: Redis trouble is an error,
 * never a hang.
 */
final class RedisSpendStore implements SpendStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSpendStore.class);
  private static final long WARN_EVERY_MILLIS = 10_000;
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
  private static final long EXPIRY_GRACE_SECONDS = Duration.ofDays(1).toSeconds();
  static final String ADD_SCRIPT = """
      local expire_at = tonumber(ARGV[2])
      for i = 1, #KEYS do
        redis.call('INCRBY', KEYS[i], ARGV[1])
        if expire_at > 0 then redis.call('EXPIREAT', KEYS[i], expire_at) end
      end
      return #KEYS""";
  private static final RedisScript ADD = RedisScript.of(ADD_SCRIPT);

  private final Redis client;
  private final String prefix;
  private final long timeoutMillis;
  private final String where;
  private final AtomicLong lastWarning = new AtomicLong();

  RedisSpendStore(Vertx vertx, String url, String prefix, Duration timeout) {
    this.timeoutMillis = timeout.toMillis();
    this.client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(url)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) Math.max(1, timeoutMillis))
            .setTcpNoDelay(true))
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(4096));
    this.prefix = prefix;
    this.where = describe(url);
  }

  /** Redis as messages name it: host and port, never a password the URL may carry. */
  static String describe(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getHost() == null ? "Redis" : "Redis at " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "Redis";
    }
  }

  /**
   * Fails when Redis cannot be reached: a budget that cannot be checked should be noticed at startup. The
   * first call also connects (in a JVM still loading classes), so it gets at least {@link #STARTUP_TIMEOUT}.
   */
  @Override
  public Future<Void> start() {
    return bounded(client.send(Request.cmd(Command.PING)), "answer PING",
        Math.max(timeoutMillis, STARTUP_TIMEOUT.toMillis())).mapEmpty();
  }

  @Override
  public Future<Spent> spent(Subjects s, Window window) {
    Request mget = Request.cmd(Command.MGET).arg(keyKey(s.keyId(), window));
    if (s.user() != null) {
      mget.arg(userKey(s.user(), window));
    }
    if (s.model() != null) {
      mget.arg(modelKey(s.keyId(), s.model(), window));
    }
    return bounded(client.send(mget), "read spend").map(values -> {
      int i = 0;
      long key = asLong(values.get(i++));
      long user = s.user() == null ? 0 : asLong(values.get(i++));
      long model = s.model() == null ? 0 : asLong(values.get(i));
      return new Spent(key, user, model);
    });
  }

  @Override
  public void add(Subjects s, Window window, long nanos) {
    List<String> keys = new ArrayList<>(3);
    keys.add(keyKey(s.keyId(), window));
    if (s.user() != null) {
      keys.add(userKey(s.user(), window));
    }
    if (s.model() != null) {
      keys.add(modelKey(s.keyId(), s.model(), window));
    }
    long expireAt = window.end() == null ? 0 : window.end().getEpochSecond() + EXPIRY_GRACE_SECONDS;
    bounded(eval(keys, Long.toString(nanos), Long.toString(expireAt)), "add spend")
        .onFailure(t -> warn("budget: could not count $" + (nanos / Spend.NANOS) + " for " + s.keyId()
            + " in Redis: " + t.getMessage()));
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  String keyKey(String keyId, Window w) {
    return prefix + "key:" + keyId + ':' + w.tag();
  }

  String userKey(String user, Window w) {
    return prefix + "user:" + user + ':' + w.tag();
  }

  String modelKey(String keyId, String model, Window w) {
    return prefix + "model:" + keyId + ':' + model + ':' + w.tag();
  }

  private Future<Response> eval(List<String> keys, String... args) {
    return ADD.run(client, r -> {
      r.arg(keys.size());
      keys.forEach(r::arg);
      for (String a : args) {
        r.arg(a);
      }
    });
  }

  private <T> Future<T> bounded(Future<T> call, String what) {
    return bounded(call, what, timeoutMillis);
  }

  private <T> Future<T> bounded(Future<T> call, String what, long millis) {
    return call.timeout(millis, TimeUnit.MILLISECONDS).recover(t -> Future.failedFuture(
        new IllegalStateException(where + " did not " + what + (t instanceof java.util.concurrent.TimeoutException
            ? " within " + millis + " ms" : ": " + t.getMessage()), t)));
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

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
      LOG.warn(message);
    }
  }
}
