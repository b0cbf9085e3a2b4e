package io.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientRateLimitTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void aBurstThenTheRate() {
    ClientRateLimit limit = new ClientRateLimit(2, 3, 100, nanos::get);
    assertThat(limit.acquire("a")).isZero();
    assertThat(limit.acquire("a")).isZero();
    assertThat(limit.acquire("a")).isZero();
    // Empty: at 2 per second the next token is half a second away.
    assertThat(limit.acquire("a")).isEqualTo(500);
    assertThat(limit.acquire("b")).as("another address has its own bucket").isZero();
    nanos.addAndGet(500_000_000L);
    assertThat(limit.acquire("a")).isZero();
    assertThat(limit.acquire("a")).isPositive();
    // A long idle time fills the bucket to the burst, no further.
    nanos.addAndGet(60_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertThat(limit.acquire("a")).isZero();
    }
    assertThat(limit.acquire("a")).isPositive();
  }

  @Test
  void refusedRequestsDoNotDigTheBucketDeeper() {
    ClientRateLimit limit = new ClientRateLimit(1, 1, 100, nanos::get);
    assertThat(limit.acquire("a")).isZero();
    for (int i = 0; i < 100; i++) {
      assertThat(limit.acquire("a")).isPositive();
    }
    nanos.addAndGet(1_000_000_000L);
    assertThat(limit.acquire("a")).isZero();
  }

  @Test
  void theTableIsBoundedAndSweptOfFullBuckets() {
    ClientRateLimit limit = new ClientRateLimit(10, 5, 3, nanos::get);
    limit.acquire("a");
    limit.acquire("b");
    limit.acquire("c");
    assertThat(limit.acquire("d")).as("no room: not limited rather than refused").isZero();
    assertThat(limit.tracked()).isEqualTo(3);
    nanos.addAndGet(2_000_000_000L);  // every bucket refilled: swept
    assertThat(limit.acquire("d")).isZero();
    assertThat(limit.tracked()).isEqualTo(1);
  }
}
