package io.switchboard.routing.health;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Where breaker and parking changes go beyond this process. {@link TargetHealth} always decides from its
 * local state; a store only tells other replicas what changed here, and tells this one what changed
 * there. The memory store has nobody to tell.
 */
public interface HealthStore {
  /** Connects, and replays the state other replicas left (events delivered to {@code listener}). */
  Future<Void> start(Consumer<HealthEvent> listener);

  /** Announces a change made here; never blocks, never fails the caller. */
  void publish(HealthEvent event);

  Future<Void> close();

  /** This process only. */
  static HealthStore memory() {
    return new HealthStore() {
      @Override
      public Future<Void> start(Consumer<HealthEvent> listener) {
        return Future.succeededFuture();
      }

      @Override
      public void publish(HealthEvent event) {}

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }
}
