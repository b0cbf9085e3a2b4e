package io.switchboard.routing;

import io.switchboard.config.GatewayConfig.Target;
import java.util.OptionalDouble;

/**
 * What the gateway has observed of each target, shared by every event loop: requests in flight and a
 * windowed latency estimate per target and model. The executor records; strategies read.
 */
public interface TargetStats {
  int inFlight(Target target);

  /** The current latency estimate in milliseconds (time to first byte for streams), empty when unseen. */
  OptionalDouble latencyMillis(Target target, String model);

  void started(Target target);

  /** {@code latencyNanos} only counts for a success; a failure just ends the in-flight request. */
  void finished(Target target, String model, long latencyNanos, boolean success);
}
