package io.switchboard.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.GatewayConfig.Retry;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.testing.Services;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two replicas' health sharing one real Redis (127.0.0.1:6379). */
@Timeout(20)
class RedisHealthStoreTest {
  final Vertx vertx = Vertx.vertx();
  final Target target = new Target("a", "a", 1, Retry.NONE, List.of(), Map.of(),
      new GatewayConfig.CircuitBreaker(2, 1, Duration.ofSeconds(30)), null, null);
  GatewayConfig.State state;

  @BeforeEach
  void redis() {
    String url = Services.requireRedis();
    // A fresh prefix per test: no state left by other runs.
    state = new GatewayConfig.State(GatewayConfig.State.Backend.REDIS, url, "switchboard-test:" + UUID.randomUUID() + ":");
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  TargetHealth replica() throws Exception {
    TargetHealth health = new TargetHealth(List.of(target), new RedisHealthStore(vertx, state, List.of(target)),
        System::currentTimeMillis);
    health.start().await(5, TimeUnit.SECONDS);
    return health;
  }

  static void eventually(Runnable assertion) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > until) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  @Test
  void aBreakerOpenedOnOneReplicaIsOpenOnTheOther() throws Exception {
    TargetHealth one = replica();
    TargetHealth two = replica();
    for (int i = 0; i < 2; i++) {
      one.admit(vertx, target, 1000, false).await(5, TimeUnit.SECONDS).done(Verdict.FAILURE);
    }
    assertThat(one.breakerState(target)).isEqualTo(CircuitBreaker.State.OPEN);
    eventually(() -> assertThat(two.skipReason(target, false)).isNotNull()
        .extracting(Rejection::reason).isEqualTo(Rejection.Reason.CIRCUIT_OPEN));

    // a replica that starts later finds it open too
    TargetHealth three = replica();
    assertThat(three.breakerState(target)).isEqualTo(CircuitBreaker.State.OPEN);

    one.close().await(5, TimeUnit.SECONDS);
    two.close().await(5, TimeUnit.SECONDS);
    three.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void parkingIsSharedAndAClosedBreakerClosesEverywhere() throws Exception {
    TargetHealth one = replica();
    TargetHealth two = replica();
    one.park(target, Duration.ofSeconds(10));
    eventually(() -> assertThat(two.parkedMillis(target)).isBetween(5_000L, 10_000L));

    two.apply(new HealthEvent(HealthEvent.Kind.OPENED, "a", System.currentTimeMillis() + 30_000));
    one.apply(new HealthEvent(HealthEvent.Kind.OPENED, "a", System.currentTimeMillis() + 30_000));
    one.apply(new HealthEvent(HealthEvent.Kind.CLOSED, "a", 0));
    // a close made on one replica (here by its probes) reaches the other
    RedisHealthStore store = new RedisHealthStore(vertx, state, List.of(target));
    store.start(e -> {}).await(5, TimeUnit.SECONDS);
    store.publish(new HealthEvent(HealthEvent.Kind.CLOSED, "a", 0));
    eventually(() -> assertThat(two.breakerState(target)).isEqualTo(CircuitBreaker.State.CLOSED));
    store.close().await(5, TimeUnit.SECONDS);
    one.close().await(5, TimeUnit.SECONDS);
    two.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void aReplicaOpenedFromRedisAdmitsMaxHalfThresholdProbesAndItsCloseIsShared() throws Exception {
    Target probed = new Target("a", "a", 1, Retry.NONE, List.of(), Map.of(),
        new GatewayConfig.CircuitBreaker(1, 2, Duration.ofSeconds(30), 2), null, null);
    AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    TargetHealth one = new TargetHealth(List.of(probed), new RedisHealthStore(vertx, state, List.of(probed)), clock::get);
    TargetHealth two = new TargetHealth(List.of(probed), new RedisHealthStore(vertx, state, List.of(probed)), clock::get);
    one.start().await(5, TimeUnit.SECONDS);
    two.start().await(5, TimeUnit.SECONDS);
    one.admit(vertx, probed, 1000, false).await(5, TimeUnit.SECONDS).done(Verdict.FAILURE);
    eventually(() -> assertThat(two.breakerState(probed)).isEqualTo(CircuitBreaker.State.OPEN));

    clock.addAndGet(30_000);  // both replicas' open period is over
    TargetHealth.Permit first = two.admit(vertx, probed, 1000, false).await(5, TimeUnit.SECONDS);
    TargetHealth.Permit second = two.admit(vertx, probed, 1000, false).await(5, TimeUnit.SECONDS);
    assertThat(two.breakerState(probed)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(two.skipReason(probed, false)).isNotNull();
    assertThat(two.admit(vertx, probed, 1000, false).failed()).isTrue();  // a third concurrent probe is refused
    first.done(Verdict.SUCCESS);
    second.done(Verdict.SUCCESS);
    assertThat(two.breakerState(probed)).isEqualTo(CircuitBreaker.State.CLOSED);
    eventually(() -> assertThat(one.breakerState(probed)).isEqualTo(CircuitBreaker.State.CLOSED));
    one.close().await(5, TimeUnit.SECONDS);
    two.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void eventsSurviveTheWireForm() {
    HealthEvent event = new HealthEvent(HealthEvent.Kind.PARKED, "openai#2", 1234L);
    assertThat(HealthEvent.decode(event.encode())).isEqualTo(event);
    assertThat(HealthEvent.decode("NONSENSE 1 a")).isNull();
    assertThat(HealthEvent.decode("garbage")).isNull();
  }
}
