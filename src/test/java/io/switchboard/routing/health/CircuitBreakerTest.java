package io.switchboard.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.GatewayConfig;
import io.switchboard.routing.health.CircuitBreaker.Change;
import io.switchboard.routing.health.CircuitBreaker.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final CircuitBreaker breaker = new CircuitBreaker(
      new GatewayConfig.CircuitBreaker(3, 2, Duration.ofSeconds(30)), now::get);

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    assertThat(breaker.onFailure()).isEqualTo(Change.NONE);
    assertThat(breaker.onFailure()).isEqualTo(Change.NONE);
    breaker.onSuccess();  // resets the run
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.onFailure()).isEqualTo(Change.OPENED);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.remainingOpenMillis()).isEqualTo(30_000);
  }

  @Test
  void halfOpenLetsOneProbeAtATimeAndClosesAfterEnoughSuccesses() {
    open();
    now.addAndGet(29_999);
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(1);
    assertThat(breaker.wouldAllow()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();   // the probe
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isFalse();  // one at a time
    assertThat(breaker.onSuccess()).isEqualTo(Change.NONE);
    assertThat(breaker.tryAcquire()).isTrue();   // the second probe
    assertThat(breaker.onSuccess()).isEqualTo(Change.CLOSED);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aProbeFailureReopensForAnotherFullPeriod() {
    open();
    now.addAndGet(30_000);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.onFailure()).isEqualTo(Change.OPENED);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.remainingOpenMillis()).isEqualTo(30_000);
  }

  @Test
  void aNeutralProbeFreesTheSlotWithoutAVerdict() {
    open();
    now.addAndGet(30_000);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onNeutral();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void lateResultsOfRequestsAdmittedBeforeOpeningHaveNoSay() {
    open();
    assertThat(breaker.onSuccess()).isEqualTo(Change.NONE);
    assertThat(breaker.onFailure()).isEqualTo(Change.NONE);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void remoteChangesApply() {
    breaker.forceOpen(now.get() + 5_000);
    assertThat(breaker.tryAcquire()).isFalse();
    breaker.forceClose();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  private void open() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure();
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void maxHalfOpenAdmitsThatManyConcurrentProbesAndRefusesTheNext() {
    CircuitBreaker two = new CircuitBreaker(new GatewayConfig.CircuitBreaker(1, 2, Duration.ofSeconds(30), 2), now::get);
    two.onFailure();
    assertThat(two.state()).isEqualTo(State.OPEN);
    now.addAndGet(30_000);
    assertThat(two.tryAcquire()).isTrue();   // first probe
    assertThat(two.tryAcquire()).isTrue();   // second, concurrently
    assertThat(two.wouldAllow()).isFalse();
    assertThat(two.tryAcquire()).isFalse();  // the third is refused while both are in flight
    assertThat(two.onSuccess()).isEqualTo(Change.NONE);
    assertThat(two.state()).isEqualTo(State.HALF_OPEN);
    assertThat(two.tryAcquire()).isTrue();   // the finished probe's slot is free again
    assertThat(two.tryAcquire()).isFalse();
    assertThat(two.onSuccess()).isEqualTo(Change.CLOSED);  // success_threshold 2 reached
    assertThat(two.state()).isEqualTo(State.CLOSED);
    two.onSuccess();  // the last probe lands after the close: no effect
    assertThat(two.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void withMaxHalfOpenANeutralProbeFreesOnlyItsOwnSlot() {
    CircuitBreaker two = new CircuitBreaker(new GatewayConfig.CircuitBreaker(1, 3, Duration.ofSeconds(30), 2), now::get);
    two.onFailure();
    now.addAndGet(30_000);
    assertThat(two.tryAcquire()).isTrue();
    assertThat(two.tryAcquire()).isTrue();
    two.onNeutral();
    assertThat(two.tryAcquire()).isTrue();
    assertThat(two.tryAcquire()).isFalse();
    assertThat(two.onFailure()).isEqualTo(Change.OPENED);  // any probe failure reopens
    assertThat(two.tryAcquire()).isFalse();
    now.addAndGet(30_000);
    assertThat(two.tryAcquire()).isTrue();  // a fresh half-open period starts with no probes counted
    assertThat(two.tryAcquire()).isTrue();
    assertThat(two.tryAcquire()).isFalse();
  }

  @Test
  void anOutcomeFromAnEarlierGenerationNeitherFreesASlotNorCounts() {
    CircuitBreaker two = new CircuitBreaker(new GatewayConfig.CircuitBreaker(1, 1, Duration.ofSeconds(30), 2), now::get);
    long slowBeforeOpening = two.acquire();  // admitted while closed, still running
    two.onFailure();
    now.addAndGet(30_000);
    assertThat(two.acquire()).isNotNegative();
    assertThat(two.acquire()).isNotNegative();
    assertThat(two.onSuccess(slowBeforeOpening)).isEqualTo(Change.NONE);  // not a probe: does not close it
    assertThat(two.state()).isEqualTo(State.HALF_OPEN);
    assertThat(two.tryAcquire()).as("both probe slots are still taken").isFalse();
    assertThat(two.onFailure(slowBeforeOpening)).isEqualTo(Change.NONE);
    assertThat(two.state()).isEqualTo(State.HALF_OPEN);
  }
}
