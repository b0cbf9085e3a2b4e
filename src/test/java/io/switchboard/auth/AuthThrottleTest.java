package io.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  @Test
  void anAddressIsRefusedAfterItsFailuresUntilTheWindowEnds() {
    AuthThrottle throttle = new AuthThrottle(3, 60_000, 100, now::get);
    for (int i = 0; i < 2; i++) {
      throttle.failed("a");
    }
    assertThat(throttle.retryAfterMillis("a")).isZero();
    throttle.failed("a");
    assertThat(throttle.retryAfterMillis("a")).isEqualTo(60_000);
    assertThat(throttle.retryAfterMillis("b")).as("other addresses are unaffected").isZero();
    now.addAndGet(59_000);
    assertThat(throttle.retryAfterMillis("a")).isEqualTo(1_000);
    now.addAndGet(1_000);
    assertThat(throttle.retryAfterMillis("a")).isZero();
    throttle.failed("a");
    assertThat(throttle.retryAfterMillis("a")).as("a new window starts from one failure").isZero();
  }

  @Test
  void theTableIsBoundedAndSweptOfEndedWindows() {
    AuthThrottle throttle = new AuthThrottle(1, 1_000, 10, now::get);
    for (int i = 0; i < 50; i++) {
      throttle.failed("addr-" + i);
    }
    assertThat(throttle.tracked()).isEqualTo(10);
    now.addAndGet(5_000);
    throttle.failed("late");
    assertThat(throttle.tracked()).isEqualTo(1);
    assertThat(throttle.retryAfterMillis("late")).isEqualTo(1_000);
  }
}
