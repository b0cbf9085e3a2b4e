package io.switchboard.routing;

import io.switchboard.config.GatewayConfig.Target;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** Observed state set by hand, for strategy tests. */
final class FakeStats implements TargetStats {
  final Map<String, Integer> inFlight = new HashMap<>();
  final Map<String, Double> latency = new HashMap<>();

  FakeStats busy(String target, int n) {
    inFlight.put(target, n);
    return this;
  }

  FakeStats latency(String target, String model, double millis) {
    latency.put(target + "|" + model, millis);
    return this;
  }

  @Override
  public int inFlight(Target target) {
    return inFlight.getOrDefault(target.id(), 0);
  }

  @Override
  public OptionalDouble latencyMillis(Target target, String model) {
    Double d = latency.get(target.id() + "|" + model);
    return d == null ? OptionalDouble.empty() : OptionalDouble.of(d);
  }

  @Override
  public void started(Target target) {}

  @Override
  public void finished(Target target, String model, long latencyNanos, boolean success) {}
}
