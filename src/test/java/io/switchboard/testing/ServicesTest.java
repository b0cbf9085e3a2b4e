package io.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ServicesTest {
  @Test
  void anUnreachableServiceSkipsOrFails() {
    // Port 1 on loopback: nothing listens there.
    if ("1".equals(System.getenv("SWITCHBOARD_REQUIRE_SERVICES"))) {
      assertThatThrownBy(() -> Services.require("Nothing", "127.0.0.1", 1)).isInstanceOf(AssertionError.class);
    } else {
      assertThatThrownBy(() -> Services.require("Nothing", "127.0.0.1", 1)).isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("Nothing is not reachable at 127.0.0.1:1");
    }
  }
}
