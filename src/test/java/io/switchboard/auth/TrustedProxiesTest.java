package io.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies proxies = TrustedProxies.of(List.of("127.0.0.0/8", "::1", "10.0.0.0/8", "fd00::/8"));

  @Test
  void aDirectClientIsItsPeerWhateverItClaims() {
    assertThat(proxies.client("203.0.113.7", "198.51.100.1")).isEqualTo("203.0.113.7");
    assertThat(proxies.client("203.0.113.7", null)).isEqualTo("203.0.113.7");
  }

  @Test
  void behindTrustedProxiesTheClientIsTheFirstUntrustedHopFromTheRight() {
    assertThat(proxies.client("127.0.0.1", "198.51.100.1")).isEqualTo("198.51.100.1");
    // The leftmost entry is the client's own claim: a spoofed one is skipped, as the proxy appended the real one.
    assertThat(proxies.client("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9")).isEqualTo("198.51.100.1");
    assertThat(proxies.client("::1", "fd12::1, 2001:db8::5")).isEqualTo("2001:db8::5");
    assertThat(proxies.client("10.1.2.3", "10.2.2.2")).isEqualTo("10.2.2.2");
    assertThat(proxies.client("10.1.2.3", " , ")).isEqualTo("10.1.2.3");
  }

  @Test
  void prefixesAreMatchedBitByBit() {
    TrustedProxies narrow = TrustedProxies.of(List.of("192.168.1.128/25"));
    assertThat(narrow.client("192.168.1.200", "198.51.100.1")).isEqualTo("198.51.100.1");
    assertThat(narrow.client("192.168.1.100", "198.51.100.1")).isEqualTo("192.168.1.100");
    assertThat(TrustedProxies.of(List.of("0.0.0.0/0")).client("8.8.8.8", "1.2.3.4")).isEqualTo("1.2.3.4");
  }

  @Test
  void aBadEntryIsNamed() {
    assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.internal"))).hasMessageContaining("proxy.internal");
  }
}
