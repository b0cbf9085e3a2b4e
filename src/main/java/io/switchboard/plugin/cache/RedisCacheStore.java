package io.switchboard.plugin.cache;

import io.switchboard.plugin.RedisScript;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Duration;

/**
 * Entries shared by every replica through Redis. Each entry is a hash ({@code b}: the answer, {@code t}:
 * when it was stored, by Redis's clock) that expires after {@code max_age} ({@code PX}); a sorted set scores
 * every entry by its last use. Both scripts run atomically: a lookup marks the entry used, a store trims the
 * index to {@code max_entries}, deleting the least recently used entries. Keys: {@code <prefix>e:<sha256>}
 * and {@code <prefix>lru}. The store script deletes entries it finds in the index, so on a Redis Cluster all
 * of a prefix's keys must share a slot (use a hash tag in {@code key_prefix}, e.g. {@code "{sbcache}:"}).
 */
final class RedisCacheStore implements CacheStore {
  // KEYS: entry, index; ARGV: member, max age ms. Returns nil or {body, age ms}.
  static final String GET = """
      local v = redis.call('HMGET', KEYS[1], 'b', 't')
      if not v[1] then
        redis.call('ZREM', KEYS[2], ARGV[1])
        return false
      end
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local age = now - tonumber(v[2])
      if age >= tonumber(ARGV[2]) then
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return false
      end
      redis.call('ZADD', KEYS[2], now, ARGV[1])
      return {v[1], age}
      """;

  // KEYS: entry, index; ARGV: member, body, max age ms, max entries, entry key prefix. Returns entries evicted.
  static final String PUT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local ttl = tonumber(ARGV[3])
      redis.call('HSET', KEYS[1], 'b', ARGV[2], 't', now)
      redis.call('PEXPIRE', KEYS[1], ttl)
      redis.call('ZADD', KEYS[2], now, ARGV[1])
      -- an entry last used more than max_age ago has expired by itself
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
      local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
      if over > 0 then
        local victims = redis.call('ZRANGE', KEYS[2], 0, over - 1)
        for _, m in ipairs(victims) do
          redis.call('DEL', ARGV[5] .. m)
        end
        redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
      else
        over = 0
      end
      redis.call('PEXPIRE', KEYS[2], ttl)
      return over
      """;

  private static final RedisScript GET_SCRIPT = RedisScript.of(GET);
  private static final RedisScript PUT_SCRIPT = RedisScript.of(PUT);

  private final Redis client;
  private final String entryPrefix;
  private final String indexKey;
  private final int maxEntries;
  private final long maxAgeMillis;

  RedisCacheStore(Vertx vertx, String url, String keyPrefix, int maxEntries, Duration maxAge) {
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
        .setMaxPoolSize(16).setMaxPoolWaiting(4096));
    this.entryPrefix = keyPrefix + "e:";
    this.indexKey = keyPrefix + "lru";
    this.maxEntries = maxEntries;
    this.maxAgeMillis = maxAge.toMillis();
  }

  /** Fails when Redis cannot be reached at startup: a misconfigured cache should not go unnoticed. */
  @Override
  public Future<Void> start() {
    return client.send(GET_SCRIPT.load())
        .compose(r -> client.send(PUT_SCRIPT.load()))
        .mapEmpty();
  }

  @Override
  public Future<Hit> get(String key) {
    return eval(GET_SCRIPT, key, Buffer.buffer(Long.toString(maxAgeMillis)))
        .map(r -> r == null || r.size() < 2 ? null : new Hit(r.get(0).toBuffer(), Math.max(0, r.get(1).toLong())));
  }

  @Override
  public Future<Void> put(String key, Buffer body) {
    return eval(PUT_SCRIPT, key, body, Buffer.buffer(Long.toString(maxAgeMillis)),
        Buffer.buffer(Integer.toString(maxEntries)), Buffer.buffer(entryPrefix)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close().otherwiseEmpty();
  }

  private Future<Response> eval(RedisScript script, String key, Buffer... args) {
    return script.run(client, request -> {
      request.arg(2).arg(entryPrefix + key).arg(indexKey).arg(key);
      for (Buffer arg : args) {
        request.arg(arg);
      }
    });
  }
}
