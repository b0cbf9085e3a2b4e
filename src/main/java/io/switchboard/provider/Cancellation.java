package io.switchboard.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells an attempt in flight that nobody waits for its answer any more (the client went away), so the
 * upstream request is stopped at once instead of running to its timeout. Used on one event loop.
 */
public final class Cancellation {
  private static final Cancellation NONE = new Cancellation();

  private final List<Runnable> listeners = new ArrayList<>(2);
  private boolean cancelled;

  /** A cancellation that never happens. */
  public static Cancellation none() {
    return NONE;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  public void cancel() {
    if (this == NONE || cancelled) {
      return;
    }
    cancelled = true;
    List<Runnable> toRun = List.copyOf(listeners);
    listeners.clear();
    toRun.forEach(Runnable::run);
  }

  /** Runs {@code listener} on cancellation (at once if already cancelled). */
  public void onCancel(Runnable listener) {
    if (cancelled) {
      listener.run();
    } else if (this != NONE) {
      listeners.add(listener);
    }
  }
}
