package io.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.GatewayConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoadBalanceStrategyTest {
  static Candidate candidate(String key, int weight) {
    return new Candidate(new GatewayConfig.Target(key, key, weight, GatewayConfig.Retry.NONE, List.of(), Map.of()), null, "m");
  }

  static RoutingContext context(Random random) {
    return new RoutingContext(RequestFacts.of("m", "m", io.switchboard.api.Json.object().put("model", "m")),
        new LocalTargetStats(), random);
  }

  @Test
  void firstPickFollowsTheWeights() {
    List<Candidate> eligible = List.of(candidate("a", 1), candidate("b", 3), candidate("c", 0));
    Map<String, Integer> first = new HashMap<>();
    Random random = new Random(42);
    int draws = 40_000;
    for (int i = 0; i < draws; i++) {
      List<Candidate> order = new LoadBalanceStrategy().order(eligible, context(random));
      assertThat(order).hasSize(3).doesNotHaveDuplicates();
      assertThat(order.getLast().target().virtualKey()).isEqualTo("c");  // weight 0 is a standby
      first.merge(order.getFirst().target().virtualKey(), 1, Integer::sum);
    }
    assertThat(first.get("b") / (double) draws).isBetween(0.73, 0.77);
    assertThat(first.get("a") / (double) draws).isBetween(0.23, 0.27);
    assertThat(first).doesNotContainKey("c");
  }

  @Test
  void fallbackKeepsOrderAndSingleKeepsOne() {
    List<Candidate> eligible = List.of(candidate("a", 1), candidate("b", 1));
    assertThat(new FallbackStrategy().order(eligible, context(new Random()))).isEqualTo(eligible);
    assertThat(new SingleStrategy().order(eligible, context(new Random()))).containsExactly(eligible.getFirst());
    assertThat(new SingleStrategy().order(List.of(), context(new Random()))).isEmpty();
  }
}
