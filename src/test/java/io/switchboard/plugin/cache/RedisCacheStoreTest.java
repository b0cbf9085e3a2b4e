package io.switchboard.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Services;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against the real Redis on 127.0.0.1:6379, each test under its own key prefix. */
@Timeout(30)
class RedisCacheStoreTest {
  String url;
  String prefix;
  Vertx vertx;
  Redis admin;
  final List<RedisCacheStore> stores = new ArrayList<>();

  @BeforeEach
  void setUp() {
    url = Services.requireRedis();
    prefix = "sbtest:cache:" + UUID.randomUUID() + ":";
    vertx = Vertx.vertx();
    admin = Redis.createClient(vertx, url);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (vertx == null) {
      return;
    }
    for (String key : keys()) {
      admin.send(Request.cmd(Command.DEL).arg(key)).await(5, TimeUnit.SECONDS);
    }
    for (RedisCacheStore s : stores) {
      s.close().await(5, TimeUnit.SECONDS);
    }
    admin.close();
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  RedisCacheStore store(int maxEntries, Duration maxAge) throws Exception {
    RedisCacheStore store = new RedisCacheStore(vertx, url, prefix, maxEntries, maxAge);
    store.start().await(5, TimeUnit.SECONDS);
    stores.add(store);
    return store;
  }

  List<String> keys() throws Exception {
    Response r = admin.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await(5, TimeUnit.SECONDS);
    List<String> out = new ArrayList<>();
    r.forEach(k -> out.add(k.toString()));
    return out;
  }

  List<String> lru() throws Exception {
    Response r = admin.send(Request.cmd(Command.ZRANGE).arg(prefix + "lru").arg(0).arg(-1)).await(5, TimeUnit.SECONDS);
    List<String> out = new ArrayList<>();
    r.forEach(k -> out.add(k.toString()));
    return out;
  }

  static CacheStore.Hit get(CacheStore store, String key) throws Exception {
    return store.get(key).await(5, TimeUnit.SECONDS);
  }

  static void put(CacheStore store, String key, String body) throws Exception {
    store.put(key, Buffer.buffer(body)).await(5, TimeUnit.SECONDS);
  }

  @Test
  void storesAndServesWithItsAge() throws Exception {
    RedisCacheStore store = store(10, Duration.ofMinutes(5));
    assertThat(get(store, "k1")).isNull();
    String body = "{\"id\":\"x\",\"text\":\"h\u00e9llo \ud83d\ude00\"}";
    put(store, "k1", body);
    Thread.sleep(30);
    CacheStore.Hit hit = get(store, "k1");
    assertThat(hit.body().toString()).isEqualTo(body);
    assertThat(hit.ageMillis()).isBetween(20L, 5_000L);
    Response ttl = admin.send(Request.cmd(Command.PTTL).arg(prefix + "e:k1")).await(5, TimeUnit.SECONDS);
    assertThat(ttl.toLong()).isBetween(1L, 300_000L);
  }

  @Test
  void evictsTheLeastRecentlyUsedAtomically() throws Exception {
    RedisCacheStore store = store(3, Duration.ofMinutes(5));
    put(store, "a", "A");
    Thread.sleep(3);
    put(store, "b", "B");
    Thread.sleep(3);
    put(store, "c", "C");
    Thread.sleep(3);
    assertThat(get(store, "a").body().toString()).isEqualTo("A");  // a is now the most recently used
    Thread.sleep(3);
    assertThat(lru()).containsExactly("b", "c", "a");

    put(store, "d", "D");

    assertThat(get(store, "b")).isNull();
    assertThat(lru()).containsExactly("c", "a", "d");
    assertThat(keys()).containsExactlyInAnyOrder(prefix + "lru", prefix + "e:a", prefix + "e:c", prefix + "e:d");
  }

  @Test
  void expiredEntriesAreNeverServed() throws Exception {
    RedisCacheStore store = store(10, Duration.ofMillis(300));
    put(store, "k", "v");
    assertThat(get(store, "k")).isNotNull();
    Thread.sleep(350);
    assertThat(get(store, "k")).isNull();
    assertThat(lru()).doesNotContain("k");
  }

  @Test
  void twoClientsShareOneCacheAndOneBound() throws Exception {
    RedisCacheStore a = store(2, Duration.ofMinutes(5));
    Vertx other = Vertx.vertx();
    try {
      RedisCacheStore b = new RedisCacheStore(other, url, prefix, 2, Duration.ofMinutes(5));
      b.start().await(5, TimeUnit.SECONDS);
      put(a, "shared", "from A");
      assertThat(get(b, "shared").body().toString()).isEqualTo("from A");
      put(b, "x", "X");
      put(a, "y", "Y");
      assertThat(lru()).hasSize(2);
      b.close().await(5, TimeUnit.SECONDS);
    } finally {
      other.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void concurrentStoresNeverExceedTheBound() throws Exception {
    RedisCacheStore store = store(5, Duration.ofMinutes(5));
    List<io.vertx.core.Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      puts.add(store.put("k" + i, Buffer.buffer("v" + i)));
    }
    io.vertx.core.Future.all(puts).await(10, TimeUnit.SECONDS);
    assertThat(lru()).hasSize(5);
    assertThat(keys()).hasSize(6);  // five entries and the index
  }

  @Test
  void anUnreachableRedisFailsTheStart() {
    RedisCacheStore store = new RedisCacheStore(vertx, "redis://127.0.0.1:1", prefix, 10, Duration.ofMinutes(1));
    stores.add(store);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.start().await(10, TimeUnit.SECONDS));
  }
}
