package io.switchboard.plugin.ratelimit;

import io.switchboard.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.switchboard.plugin.ratelimit.Limit.Kind;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Token-bucket arithmetic of the in-memory limiter, on a clock the test moves. */
class RateLimitBucketTest {
  final MutableClock clock = new MutableClock();

  MemoryLimiter limiter(int maxTracked, Limit... limits) {
    return new MemoryLimiter(limits, clock, maxTracked, null);
  }

  static String[] subjects(String... s) {
    return s;
  }

  @Test
  void aBurstPassesThenOneTokenPerRefillInterval() {
    MemoryLimiter l = limiter(100, Limit.perSecond(2, 3, Scope.GLOBAL));  // a token every 500 ms
    for (int i = 0; i < 3; i++) {
      assertThat(l.decide(subjects("")).allowed()).isTrue();
    }
    Decision denied = l.decide(subjects(""));
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.limiting()).isZero();
    assertThat(denied.waitMillis()).isEqualTo(500);

    clock.advance(499);
    assertThat(l.decide(subjects("")).allowed()).isFalse();
    assertThat(l.decide(subjects("")).waitMillis()).isEqualTo(1);
    clock.advance(1);
    Decision next = l.decide(subjects(""));
    assertThat(next.allowed()).isTrue();
    assertThat(next.tokens()[0]).isCloseTo(0, within(1e-9));
    assertThat(l.decide(subjects("")).allowed()).isFalse();
  }

  @Test
  void refillStopsAtCapacityAndAClockGoingBackAddsNothing() {
    MemoryLimiter l = limiter(100, Limit.perSecond(10, 5, Scope.GLOBAL));
    clock.advance(60_000);
    assertThat(l.tokens(0, "")).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      l.decide(subjects(""));
    }
    clock.advance(-10_000);
    assertThat(l.decide(subjects("")).allowed()).isFalse();
    clock.advance(10_000 + 100);  // back where it was, then one token's worth
    assertThat(l.decide(subjects("")).allowed()).isTrue();
  }

  @Test
  void theGuidesSettingsGiveTwentyThenOneEvery600Ms() {
    MemoryLimiter l = limiter(100, Limit.perSecond(1.67, 20, Scope.GLOBAL));
    for (int i = 0; i < 20; i++) {
      assertThat(l.decide(subjects("")).allowed()).as("request %d", i + 1).isTrue();
    }
    Decision d21 = l.decide(subjects(""));
    assertThat(d21.allowed()).isFalse();
    assertThat(d21.waitMillis()).isEqualTo(599);  // 1 / 1.67 per second
    clock.advance(599);
    assertThat(l.decide(subjects("")).allowed()).isTrue();
  }

  @Test
  void perMinuteLimitsRefillOverAMinute() {
    MemoryLimiter l = limiter(100, Limit.perMinute("key_rpm", Kind.REQUESTS, Scope.KEY, 60));
    for (int i = 0; i < 60; i++) {
      assertThat(l.decide(subjects("key-a")).allowed()).isTrue();
    }
    assertThat(l.decide(subjects("key-a")).waitMillis()).isEqualTo(1000);
    assertThat(l.decide(subjects("key-b")).allowed()).isTrue();  // each key its own bucket
    clock.advance(30_000);
    assertThat(l.tokens(0, "key-a")).isCloseTo(30, within(1e-9));
  }

  @Test
  void aRequestDeniedByOneLimitTakesNothingFromTheOthers() {
    MemoryLimiter l = limiter(100, Limit.perSecond(1, 10, Scope.GLOBAL),
        Limit.perMinute("key_rpm", Kind.REQUESTS, Scope.KEY, 2));
    assertThat(l.decide(subjects("", "key-a")).allowed()).isTrue();
    assertThat(l.decide(subjects("", "key-a")).allowed()).isTrue();
    for (int i = 0; i < 5; i++) {
      Decision d = l.decide(subjects("", "key-a"));
      assertThat(d.allowed()).isFalse();
      assertThat(d.limiting()).isEqualTo(1);
      assertThat(d.waitMillis()).isEqualTo(30_000);
    }
    assertThat(l.tokens(0, "")).isEqualTo(8);  // only the two admitted requests
    for (int i = 0; i < 8; i++) {
      assertThat(l.decide(subjects("", "key-" + i)).allowed()).isTrue();
    }
    assertThat(l.decide(subjects("", "key-z")).limiting()).isZero();
  }

  @Test
  void aLimitThatDoesNotApplyIsNotChecked() {
    MemoryLimiter l = limiter(100, Limit.perMinute("user_rpm", Kind.REQUESTS, Scope.USER, 1));
    for (int i = 0; i < 5; i++) {
      Decision d = l.decide(subjects((String) null));
      assertThat(d.allowed()).isTrue();
      assertThat(d.tokens()[0]).isNaN();
    }
    assertThat(l.decide(subjects("alice")).allowed()).isTrue();
    assertThat(l.decide(subjects("alice")).allowed()).isFalse();
  }

  @Test
  void aTokenLimitAdmitsWhileAboveZeroAndIsDebitedByUsage() {
    MemoryLimiter l = limiter(100, Limit.perMinute("key_tpm", Kind.TOKENS, Scope.KEY, 600));  // 10 tokens/s
    assertThat(l.decide(subjects("key-a")).allowed()).isTrue();
    assertThat(l.tokens(0, "key-a")).isEqualTo(600);  // admission takes nothing
    l.debit(0, "key-a", 500);
    assertThat(l.decide(subjects("key-a")).allowed()).isTrue();
    l.debit(0, "key-a", 300);  // 100 - 300 = -200: over budget
    Decision d = l.decide(subjects("key-a"));
    assertThat(d.allowed()).isFalse();
    assertThat(d.tokens()[0]).isEqualTo(-200);
    assertThat(d.waitMillis()).isEqualTo(20_001);  // -200 back above zero at 10/s
    clock.advance(20_000);
    assertThat(l.decide(subjects("key-a")).allowed()).isFalse();  // exactly zero is not above zero
    clock.advance(1);
    assertThat(l.decide(subjects("key-a")).allowed()).isTrue();
    assertThat(l.decide(subjects("key-b")).allowed()).isTrue();
  }

  @Test
  void fullBucketsAreSweptAndTheMapStaysBounded() {
    MemoryLimiter l = limiter(1000, Limit.perMinute("user_rpm", Kind.REQUESTS, Scope.USER, 60));
    for (int i = 0; i < 10_000; i++) {
      assertThat(l.decide(subjects("user-" + i)).allowed()).isTrue();
      assertThat(l.tracked(0)).isLessThanOrEqualTo(1000);
    }
    clock.advance(1000);  // every bucket full again
    l.sweep(clock.millis(), true);
    assertThat(l.tracked(0)).isZero();
  }

  @Test
  void aSweepOfFullBucketsKeepsTheOnesInUse() {
    MemoryLimiter l = limiter(1000, Limit.perMinute("user_rpm", Kind.REQUESTS, Scope.USER, 2));
    l.decide(subjects("busy"));
    l.decide(subjects("busy"));
    l.decide(subjects("idle"));
    clock.advance(30_000);  // idle is full again, busy holds one token
    l.sweep(clock.millis(), true);
    assertThat(l.tracked(0)).isEqualTo(1);
    assertThat(l.decide(subjects("busy")).allowed()).isTrue();
    assertThat(l.decide(subjects("busy")).allowed()).isFalse();  // its state survived the sweep
  }

  @Test
  void concurrentRequestsNeverTakeMoreThanTheBucketHolds() throws Exception {
    MemoryLimiter l = limiter(100_000, Limit.perSecond(0.001, 500, Scope.GLOBAL),
        Limit.perMinute("key_rpm", Kind.REQUESTS, Scope.KEY, 300));
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger admittedA = new AtomicInteger();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      String key = t % 2 == 0 ? "key-a" : "key-b";
      pool.submit(() -> {
        start.await();
        for (int i = 0; i < 1000; i++) {
          if (l.decide(subjects("", key)).allowed()) {
            admitted.incrementAndGet();
            if (key.equals("key-a")) {
              admittedA.incrementAndGet();
            }
          }
        }
        return null;
      });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(admitted.get()).isEqualTo(500);
    assertThat(admittedA.get()).isBetween(200, 300);  // neither key over its 300
  }
}
