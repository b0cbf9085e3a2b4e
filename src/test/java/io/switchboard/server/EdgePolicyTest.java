package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.GatewayConfig.Access;
import io.switchboard.config.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgePolicyTest {
  private static Access access(Secret key, boolean open, List<String> origins, List<String> hosts) {
    return new Access(key, open, false, origins, hosts, List.of());
  }

  @Test
  void withoutAKeyOnlyLoopbackNamesAreServed() {
    EdgePolicy edge = new EdgePolicy(access(null, false, List.of(), List.of()));
    // 2130706433 is 127.0.0.1 written as one number, as browsers and the JDK read it.
    for (String host : List.of("localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1",
        "2130706433")) {
      assertThat(edge.hostAllowed(host.toLowerCase())).as(host).isTrue();
    }
    for (String host : List.of("evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "10.0.0.1", "[::2]",
        "167772161", "")) {
      assertThat(edge.hostAllowed(host)).as(host).isFalse();
    }
    assertThat(edge.hostAllowed(null)).as("no Host at all (HTTP/1.0)").isTrue();
  }

  @Test
  void withAKeyAnyNameUnlessListed() {
    assertThat(new EdgePolicy(access(new Secret("k"), false, List.of(), List.of())).hostAllowed("gw.example")).isTrue();
    EdgePolicy listed = new EdgePolicy(access(new Secret("k"), false, List.of(), List.of("gw.internal")));
    assertThat(listed.hostAllowed("gw.internal")).isTrue();
    assertThat(listed.hostAllowed("other.internal")).isFalse();
    assertThat(listed.hostAllowed("localhost")).as("the machine itself").isTrue();
    assertThat(new EdgePolicy(access(null, true, List.of(), List.of())).hostAllowed("any.example")).isTrue();
  }

  @Test
  void originsAreMatchedLiterally() {
    EdgePolicy edge = new EdgePolicy(access(null, false, List.of("https://app.example.com", "*"), List.of()));
    assertThat(edge.originAllowed("https://app.example.com")).isTrue();
    assertThat(edge.originAllowed("https://app.example.com:443")).isFalse();
    assertThat(edge.originAllowed("https://evil.example")).as("* allows nothing").isFalse();
  }

  @Test
  void onlyJsonContentTypes() {
    for (String type : List.of("application/json", "Application/JSON; charset=utf-8", "application/vnd.api+json")) {
      assertThat(EdgePolicy.isJson(type)).as(type).isTrue();
    }
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "json",
        "text/json")) {
      assertThat(EdgePolicy.isJson(type)).as(type).isFalse();
    }
    assertThat(EdgePolicy.isJson(null)).isFalse();
  }
}
