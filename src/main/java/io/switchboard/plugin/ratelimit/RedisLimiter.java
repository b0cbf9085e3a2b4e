package io.switchboard.plugin.ratelimit;

import io.vertx.core.Context;
import io.switchboard.plugin.RedisScript;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis, shared by every replica. One Lua script per request checks and charges all of its
 * buckets atomically, on Redis's own clock ({@code TIME}), so replicas with skewed clocks still agree; each
 * key expires once its bucket would be full again, so idle subjects leave nothing behind. Every call is
 * bounded by {@code timeout}: a Redis that does not answer fails the call, it never holds the request.
 */
final class RedisLimiter implements Limiter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);
  private static final long WARN_EVERY_MILLIS = 10_000;
  private static final long START_TIMEOUT_MILLIS = 10_000;

  /**
   * KEYS: one bucket per applicable limit. ARGV[1]: "take" (check all, charge all only if all admit) or
   * "debit" (take ARGV[5] tokens unconditionally from the one bucket); then per key: capacity, tokens per
   * millisecond, kind (1 requests: needs one token and takes it; 0 tokens: needs more than zero).
   * Answers {allowed, index of the limit with the longest wait (1-based, 0 when allowed), wait ms,
   * milli-tokens left in each bucket...}. A bucket is a hash {t = tokens, ts = ms of the last update}.
   */
  static final String SCRIPT = """
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
      local n = #KEYS
      local tokens = {}
      local out = {1, 0, 0}
      for i = 1, n do
        local cap = tonumber(ARGV[3 * i - 1])
        local rate = tonumber(ARGV[3 * i])
        local kind = tonumber(ARGV[3 * i + 1])
        local state = redis.call('HMGET', KEYS[i], 't', 'ts')
        local t = tonumber(state[1])
        local ts = tonumber(state[2])
        if t == nil or ts == nil then
          t = cap
        elseif now > ts then
          t = math.min(cap, t + (now - ts) * rate)
        end
        tokens[i] = t
        if ARGV[1] == 'take' then
          local wait = 0
          if kind == 1 and t < 1 then
            wait = math.ceil((1 - t) / rate)
          elseif kind == 0 and t <= 0 then
            wait = math.ceil(-t / rate) + 1
          end
          if wait > out[3] then
            out[1] = 0
            out[2] = i
            out[3] = wait
          end
        end
      end
      if ARGV[1] == 'debit' then
        tokens[1] = tokens[1] - tonumber(ARGV[5])
      end
      for i = 1, n do
        if out[1] == 1 then
          if ARGV[1] == 'take' then
            tokens[i] = tokens[i] - tonumber(ARGV[3 * i + 1])
          end
          local cap = tonumber(ARGV[3 * i - 1])
          local rate = tonumber(ARGV[3 * i])
          redis.call('HSET', KEYS[i], 't', tostring(tokens[i]), 'ts', now)
          redis.call('PEXPIRE', KEYS[i], math.ceil((cap - tokens[i]) / rate) + 1000)
        end
        out[3 + i] = math.floor(tokens[i] * 1000)
      end
      return out
      """;

  private final Vertx vertx;
  private final Limit[] limits;
  private final String[] keyStarts;
  private final Redis client;
  private final long timeoutMillis;
  RedisScript script = RedisScript.of(SCRIPT);  // not final: a test makes Redis answer NOSCRIPT
  private final AtomicLong lastWarning = new AtomicLong();

  RedisLimiter(Vertx vertx, Limit[] limits, String url, String keyPrefix, Duration timeout) {
    this.vertx = vertx;
    this.limits = limits;
    this.keyStarts = new String[limits.length];
    for (int i = 0; i < limits.length; i++) {
      String scope = limits[i].scope().configName();
      keyStarts[i] = keyPrefix + limits[i].field() + ":" + scope + (limits[i].scope() == Scope.GLOBAL ? "" : ":");
    }
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
        .setMaxPoolSize(16).setMaxPoolWaiting(4096).setMaxWaitingHandlers(4096));
    this.timeoutMillis = timeout.toMillis();
  }

  /**
   * Loads the script, which also proves Redis answers; a backend that cannot be reached fails the start. A
   * cold process connects and loads classes first, so this one call gets more time than a request's.
   */
  @Override
  public Future<Void> start() {
    return bounded(client.send(script.load()), "SCRIPT LOAD",
        Math.max(timeoutMillis, START_TIMEOUT_MILLIS)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close().otherwiseEmpty();
  }

  @Override
  public Future<Decision> acquire(String[] subjects) {
    int applicable = 0;
    for (String s : subjects) {
      if (s != null) {
        applicable++;
      }
    }
    if (applicable == 0) {
      double[] none = new double[limits.length];
      Arrays.fill(none, Double.NaN);
      return Future.succeededFuture(new Decision(true, -1, 0, none));
    }
    String[] keys = new String[applicable];
    String[] args = new String[1 + 3 * applicable];
    int[] index = new int[applicable];
    args[0] = "take";
    for (int i = 0, k = 0; i < limits.length; i++) {
      if (subjects[i] != null) {
        index[k] = i;
        keys[k] = keyStarts[i] + subjects[i];
        args[1 + 3 * k] = Long.toString((long) limits[i].capacity());
        args[2 + 3 * k] = Double.toString(limits[i].perMilli());
        args[3 + 3 * k] = limits[i].kind() == Limit.Kind.REQUESTS ? "1" : "0";
        k++;
      }
    }
    int count = applicable;
    return run(keys, args).map(r -> {
      double[] tokens = new double[limits.length];
      Arrays.fill(tokens, Double.NaN);
      for (int k = 0; k < count; k++) {
        tokens[index[k]] = r.get(3 + k).toLong() / 1000.0;
      }
      boolean allowed = r.get(0).toLong() == 1;
      int limiting = allowed ? -1 : index[r.get(1).toInteger() - 1];
      return new Decision(allowed, limiting, allowed ? 0 : r.get(2).toLong(), tokens);
    });
  }

  @Override
  public void debit(int limit, String subject, long tokens) {
    Limit l = limits[limit];
    String[] args = {"debit", Long.toString((long) l.capacity()), Double.toString(l.perMilli()), "0",
        Long.toString(tokens)};
    run(new String[] {keyStarts[limit] + subject}, args)
        .onFailure(t -> warn("could not debit " + tokens + " tokens from " + l.field() + " in Redis: "
            + t.getMessage()));
  }

  /** Runs the limiter's script; answers on the caller's context. */
  private Future<Response> run(String[] keys, String[] args) {
    Future<Response> sent = script.run(client, r -> {
      r.arg(keys.length);
      for (String k : keys) {
        r.arg(k);
      }
      for (String a : args) {
        r.arg(a);
      }
    });
    return bounded(sent, "the rate-limit script", timeoutMillis);
  }

  /** Fails after {@code timeout}; completes on the context that asked, whatever thread Redis answered on. */
  private <T> Future<T> bounded(Future<T> call, String what, long timeoutMillis) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis, id -> promise.tryFail(new TimeoutException(
        "Redis did not answer " + what + " within " + timeoutMillis + " ms")));
    call.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (Vertx.currentContext() == context) {
        settle(promise, ar);
      } else {
        context.runOnContext(v -> settle(promise, ar));
      }
    });
    return promise.future();
  }

  private static <T> void settle(Promise<T> promise, io.vertx.core.AsyncResult<T> ar) {
    if (ar.succeeded()) {
      promise.tryComplete(ar.result());
    } else {
      promise.tryFail(ar.cause());
    }
  }

  void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
      LOG.warn(message);
    }
  }
}
