package io.switchboard.plugin.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ApiException;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.ratelimit.Limit.Kind;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.testing.Services;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Redis backend against the real Redis on 127.0.0.1:6379, each test under its own key prefix. */
@Timeout(30)
class RateLimitRedisTest {
  Vertx vertx;
  Redis redis;
  String url;
  final String prefix = "sbtest:rl:" + UUID.randomUUID() + ":";
  final List<RedisLimiter> limiters = new ArrayList<>();

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    url = Services.requireRedis();
    redis = Redis.createClient(vertx, url);
  }

  @AfterEach
  void cleanUp() {
    if (redis != null) {
      List<String> keys = keys();
      if (!keys.isEmpty()) {
        Request del = Request.cmd(Command.DEL);
        keys.forEach(del::arg);
        await(redis.send(del));
      }
      redis.close();
    }
    limiters.forEach(l -> await(l.close()));
    await(vertx.close());
  }

  List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (Response k : await(redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")))) {
      keys.add(k.toString());
    }
    return keys;
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      if (f.failed()) {
        throw new IllegalStateException(e.getMessage(), e);  // the limiter's own timeout
      }
      throw new AssertionError("no answer within 10 s", e);
    }
  }

  RedisLimiter limiter(String url, Duration timeout, Limit... limits) {
    RedisLimiter l = new RedisLimiter(vertx, limits, url, prefix, timeout);
    limiters.add(l);
    return l;
  }

  RedisLimiter limiter(Limit... limits) {
    RedisLimiter l = limiter(url, Duration.ofSeconds(2), limits);
    await(l.start());
    return l;
  }

  @Test
  void twoLimitersSharingRedisAdmitExactlyTheBurstUnderConcurrency() {
    Limit limit = Limit.perSecond(0.001, 5, Scope.GLOBAL);
    RedisLimiter a = limiter(limit);
    RedisLimiter b = limiter(limit);
    List<Future<Decision>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add((i % 2 == 0 ? a : b).acquire(new String[] {""}));
    }
    long allowed = all.stream().map(RateLimitRedisTest::await).filter(Decision::allowed).count();
    assertThat(allowed).isEqualTo(5);
    Decision denied = await(a.acquire(new String[] {""}));
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.limiting()).isZero();
    assertThat(denied.waitMillis()).isBetween(900_000L, 1_000_000L);  // the next token, at 0.001 per second
    assertThat(keys()).containsExactly(prefix + "requests_per_second:global");
  }

  @Test
  void aRequestDeniedByOneLimitTakesNothingFromTheOthers() {
    RedisLimiter l = limiter(Limit.perSecond(0.001, 10, Scope.GLOBAL),
        Limit.perMinute("key_rpm", Kind.REQUESTS, Scope.KEY, 2),
        Limit.perMinute("user_rpm", Kind.REQUESTS, Scope.USER, 100));
    assertThat(await(l.acquire(new String[] {"", "key-a", null})).allowed()).isTrue();
    assertThat(await(l.acquire(new String[] {"", "key-a", "alice"})).allowed()).isTrue();
    for (int i = 0; i < 5; i++) {
      Decision d = await(l.acquire(new String[] {"", "key-a", "alice"}));
      assertThat(d.allowed()).isFalse();
      assertThat(d.limiting()).isEqualTo(1);
      assertThat(d.waitMillis()).isBetween(29_000L, 30_000L);
      assertThat(d.tokens()[0]).isBetween(8.0, 8.01);
      assertThat(d.tokens()[2]).isBetween(99.0, 99.9);  // refilling at 1.67/s, never charged
    }
    Decision other = await(l.acquire(new String[] {"", "key-b", null}));
    assertThat(other.allowed()).isTrue();
    assertThat(other.tokens()[0]).isBetween(7.0, 7.01);
    assertThat(other.tokens()[1]).isBetween(1.0, 1.01);
    assertThat(other.tokens()[2]).isNaN();
  }

  @Test
  void tokenUsageIsDebitedAndAKeyOverItsBudgetWaits() throws Exception {
    RedisLimiter l = limiter(Limit.perMinute("key_tpm", Kind.TOKENS, Scope.KEY, 600));  // 10 tokens a second
    assertThat(await(l.acquire(new String[] {"key-a"})).tokens()[0]).isEqualTo(600);
    l.debit(0, "key-a", 900);
    Decision d = null;
    for (int i = 0; i < 50 && (d == null || d.allowed()); i++) {  // the debit is sent, not awaited
      d = await(l.acquire(new String[] {"key-a"}));
      Thread.sleep(10);
    }
    assertThat(d.allowed()).isFalse();
    assertThat(d.tokens()[0]).isBetween(-300.0, -298.0);
    assertThat(d.waitMillis()).isBetween(29_800L, 30_001L);
    assertThat(await(l.acquire(new String[] {"key-b"})).allowed()).isTrue();
  }

  @Test
  void bucketsExpireOnceTheyWouldBeFullAgain() {
    RedisLimiter l = limiter(Limit.perMinute("user_rpm", Kind.REQUESTS, Scope.USER, 60));  // 1 a second
    await(l.acquire(new String[] {"alice"}));
    await(l.acquire(new String[] {"alice"}));
    long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(prefix + "user_rpm:user:alice"))).toLong();
    assertThat(ttl).isBetween(2000L, 3000L);  // 2 s to refill, plus a second of slack
  }

  @Test
  void aScriptRedisForgotIsSentAgain() {
    RedisLimiter l = limiter(Limit.perSecond(0.001, 2, Scope.GLOBAL));
    l.script = new io.switchboard.plugin.RedisScript(l.script.source(), "0".repeat(40));  // what Redis answers after a restart or SCRIPT FLUSH: NOSCRIPT
    assertThat(await(l.acquire(new String[] {""})).allowed()).isTrue();
    assertThat(await(l.acquire(new String[] {""})).allowed()).isTrue();
    assertThat(await(l.acquire(new String[] {""})).allowed()).isFalse();
  }

  @Test
  void anUnreachableRedisFailsFastAndThePluginFailsClosedOrOpenAsConfigured() {
    RedisLimiter down = limiter("redis://127.0.0.1:1", Duration.ofSeconds(2), Limit.perSecond(1, 1, Scope.GLOBAL));
    assertThatThrownBy(() -> await(down.start())).isNotNull();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> await(down.acquire(new String[] {""}))).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));

    Limit[] limits = {Limit.perSecond(1, 1, Scope.GLOBAL)};
    int[] calls = {0};
    io.switchboard.plugin.Plugin.Chain upstream = ex -> {
      calls[0]++;
      return Future.succeededFuture(new Outcome(new UpstreamResponse.Complete(Buffer.buffer("{}"), null), null, 1));
    };
    Future<Outcome> closed = new RateLimitPlugin("rate-limit", limits, down, false)
        .handle(Exchanges.chat("gpt-4o", "Hi"), upstream);
    assertThatThrownBy(() -> await(closed)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.code()).isEqualTo("rate_limit_unavailable");
      assertThat(e.getMessage()).startsWith("Rate limits could not be checked").doesNotContain("127.0.0.1");
    });
    assertThat(calls[0]).isZero();
    Future<Outcome> open = new RateLimitPlugin("rate-limit", limits, down, true)
        .handle(Exchanges.chat("gpt-4o", "Hi"), upstream);
    assertThat(await(open)).isNotNull();
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  void aRedisThatNeverAnswersFailsTheCallAfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            accepted.add(silent.accept());  // reads nothing, answers nothing
          }
        } catch (Exception closed) {
          // socket closed at the end of the test
        }
      });
      RedisLimiter hung = limiter("redis://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300),
          Limit.perSecond(1, 1, Scope.GLOBAL));
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> await(hung.acquire(new String[] {""})))
          .hasMessageContaining("did not answer the rate-limit script within 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
      silent.close();
      acceptor.join(2000);
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
