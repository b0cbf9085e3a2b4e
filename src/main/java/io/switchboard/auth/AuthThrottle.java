package io.switchboard.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down key guessing: an address that failed authentication {@code maxFailures} times within a window is
 * refused, right key or not, until that window ends. Shared by every event loop. The table of addresses is
 * bounded: past {@code maxAddresses} it is swept of ended windows (at most once a second), and an address that
 * still finds no room is not tracked, which costs a guesser nothing it could use: keys are long and random.
 */
public final class AuthThrottle {
  private final int maxFailures;
  private final long windowMillis;
  private final int maxAddresses;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  private record Window(long start, int failures) {}

  public AuthThrottle(int maxFailures, long windowMillis, int maxAddresses, LongSupplier clock) {
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
    this.maxAddresses = maxAddresses;
    this.clock = clock;
  }

  /** 20 failures a minute per address, 100,000 addresses tracked. */
  public static AuthThrottle standard() {
    return new AuthThrottle(20, 60_000, 100_000, System::currentTimeMillis);
  }

  /** Milliseconds until {@code address} may try again, or 0 when it may now. */
  public long retryAfterMillis(String address) {
    Window w = windows.get(address);
    if (w == null || w.failures() < maxFailures) {
      return 0;
    }
    long left = w.start() + windowMillis - clock.getAsLong();
    return Math.max(0, left);
  }

  public void failed(String address) {
    long now = clock.getAsLong();
    if (windows.size() >= maxAddresses && !windows.containsKey(address)) {
      sweep(now);
      if (windows.size() >= maxAddresses) {
        return;
      }
    }
    windows.compute(address, (k, w) -> w == null || now - w.start() >= windowMillis
        ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
  }

  private void sweep(long now) {
    if (now - lastSweep < 1000) {
      return;
    }
    lastSweep = now;
    windows.values().removeIf(w -> now - w.start() >= windowMillis);
  }

  int tracked() {
    return windows.size();
  }
}
