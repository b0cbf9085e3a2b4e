package io.switchboard.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ParkingTest {
  @Test
  void parksUntilTheLatestTimeAndExpires() {
    AtomicLong now = new AtomicLong(5_000);
    Parking parking = new Parking(now::get);
    assertThat(parking.remainingMillis("a")).isZero();
    parking.parkUntil("a", 7_000);
    parking.parkUntil("a", 6_000);  // an earlier time never shortens a park
    assertThat(parking.remainingMillis("a")).isEqualTo(2_000);
    assertThat(parking.remainingMillis("b")).isZero();
    now.set(7_000);
    assertThat(parking.remainingMillis("a")).isZero();
  }

  @Test
  void parkDurationDefaultsAndIsCapped() {
    assertThat(Parking.parkFor(null)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Parking.parkFor(Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(250));
    assertThat(Parking.parkFor(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(60));
  }
}
