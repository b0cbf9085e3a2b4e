package io.switchboard.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.GatewayConfig;
import io.switchboard.config.GatewayConfig.Concurrency;
import io.switchboard.config.GatewayConfig.Retry;
import io.switchboard.config.GatewayConfig.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TargetHealthTest {
  final Vertx vertx = Vertx.vertx();
  final AtomicLong now = new AtomicLong(10_000);
  final List<HealthEvent> published = new ArrayList<>();
  final HealthStore recording = new HealthStore() {
    @Override
    public Future<Void> start(Consumer<HealthEvent> listener) {
      return Future.succeededFuture();
    }

    @Override
    public void publish(HealthEvent event) {
      published.add(event);
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  };
  final Target target = new Target("a", "a", 1, Retry.NONE, List.of(), Map.of(),
      new GatewayConfig.CircuitBreaker(1, 1, Duration.ofSeconds(5)), new Concurrency(1, 0), null);
  final TargetHealth health = new TargetHealth(List.of(target), recording, now::get);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  TargetHealth.Permit admit() {
    Future<TargetHealth.Permit> f = health.admit(vertx, target, 1000, false);
    assertThat(f.succeeded()).as("admitted").isTrue();
    return f.result();
  }

  Rejection.Reason rejected() {
    Future<TargetHealth.Permit> f = health.admit(vertx, target, 1000, false);
    assertThat(f.failed()).as("rejected").isTrue();
    return ((Rejection) f.cause()).reason();
  }

  @Test
  void aPermitSettlesAndReleasesOnceWhateverCallsItAgain() {
    TargetHealth.Permit permit = admit();
    assertThat(rejected()).isEqualTo(Rejection.Reason.CONCURRENCY_LIMIT);
    permit.done(Verdict.SUCCESS);
    permit.done(Verdict.FAILURE);  // ignored: the verdict is given once
    permit.release();
    assertThat(health.inFlight(target)).isZero();
    assertThat(health.breakerState(target)).isEqualTo(CircuitBreaker.State.CLOSED);
    admit().done(Verdict.NEUTRAL);
    assertThat(health.inFlight(target)).isZero();
  }

  @Test
  void openingAndClosingArePublishedAndAnOpenBreakerHoldsNoSlot() {
    admit().done(Verdict.FAILURE);
    assertThat(published).containsExactly(new HealthEvent(HealthEvent.Kind.OPENED, "a", 15_000));
    assertThat(rejected()).isEqualTo(Rejection.Reason.CIRCUIT_OPEN);
    assertThat(health.inFlight(target)).isZero();
    now.set(15_000);
    TargetHealth.Permit probe = admit();
    probe.done(Verdict.SUCCESS);
    assertThat(published).last().isEqualTo(new HealthEvent(HealthEvent.Kind.CLOSED, "a", 0));
  }

  @Test
  void parkingSkipsExceptForTheRetryThatWasToldToWait() {
    health.park(target, Duration.ofMillis(2_500));
    assertThat(published).containsExactly(new HealthEvent(HealthEvent.Kind.PARKED, "a", 12_500));
    assertThat(rejected()).isEqualTo(Rejection.Reason.PARKED);
    assertThat(health.skipReason(target, false).retryAfterMillis()).isEqualTo(2_500);
    assertThat(health.admit(vertx, target, 1000, true).succeeded()).isTrue();
  }

  @Test
  void remoteEventsApply() {
    health.apply(new HealthEvent(HealthEvent.Kind.OPENED, "a", 20_000));
    assertThat(rejected()).isEqualTo(Rejection.Reason.CIRCUIT_OPEN);
    health.apply(new HealthEvent(HealthEvent.Kind.CLOSED, "a", 0));
    health.apply(new HealthEvent(HealthEvent.Kind.PARKED, "unknown-target", 20_000));  // harmless
    admit().done(Verdict.SUCCESS);
    assertThat(published).isEmpty();  // remote changes are not echoed back
  }

  @Test
  void theMemoryBackendAdmitsMaxHalfThresholdConcurrentProbes() {
    Target probed = new Target("p", "p", 1, Retry.NONE, List.of(), Map.of(),
        new GatewayConfig.CircuitBreaker(1, 2, Duration.ofSeconds(5), 2), null, null);
    TargetHealth memory = new TargetHealth(List.of(probed), HealthStore.memory(), now::get);
    memory.admit(vertx, probed, 1000, false).result().done(Verdict.FAILURE);
    assertThat(memory.breakerState(probed)).isEqualTo(CircuitBreaker.State.OPEN);
    now.addAndGet(5_000);
    TargetHealth.Permit first = memory.admit(vertx, probed, 1000, false).result();
    TargetHealth.Permit second = memory.admit(vertx, probed, 1000, false).result();
    Future<TargetHealth.Permit> third = memory.admit(vertx, probed, 1000, false);
    assertThat(third.failed()).isTrue();
    assertThat(((Rejection) third.cause()).reason()).isEqualTo(Rejection.Reason.CIRCUIT_OPEN);
    first.done(Verdict.SUCCESS);
    assertThat(memory.breakerState(probed)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    second.done(Verdict.SUCCESS);
    assertThat(memory.breakerState(probed)).isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
