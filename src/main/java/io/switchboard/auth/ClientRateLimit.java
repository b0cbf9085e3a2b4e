package io.switchboard.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address ({@code RATE_LIMIT_RPS} / {@code RATE_LIMIT_BURST}, the reference gateway's
 * per-IP limiter): {@code perSecond} tokens flow in, at most {@code burst} are held. Shared by every event loop.
 * The table is bounded: past {@code maxAddresses} it is swept of full buckets (a full bucket is the same as none),
 * at most once a second, and an address that still finds no room is not limited rather than refused.
 */
public final class ClientRateLimit {
  private final double perSecond;
  private final double burst;
  private final int maxAddresses;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  private record Bucket(double tokens, long at) {}

  public ClientRateLimit(double perSecond, int burst, int maxAddresses, LongSupplier nanoClock) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.maxAddresses = maxAddresses;
    this.nanoClock = nanoClock;
  }

  public static ClientRateLimit of(double perSecond, int burst) {
    return new ClientRateLimit(perSecond, burst, 100_000, System::nanoTime);
  }

  /** Takes a token for {@code address}: 0 when admitted, else the milliseconds until a token is there. */
  public long acquire(String address) {
    long now = nanoClock.getAsLong();
    if (buckets.size() >= maxAddresses && !buckets.containsKey(address)) {
      sweep(now);
      if (buckets.size() >= maxAddresses) {
        return 0;
      }
    }
    long[] wait = {0};
    buckets.compute(address, (k, b) -> {
      double tokens = b == null ? burst : Math.min(burst, b.tokens() + (now - b.at()) / 1e9 * perSecond);
      if (tokens >= 1) {
        return new Bucket(tokens - 1, now);
      }
      wait[0] = Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * 1000));
      return new Bucket(tokens, now);
    });
    return wait[0];
  }

  private void sweep(long now) {
    if (now - lastSweep < 1_000_000_000L) {
      return;
    }
    lastSweep = now;
    buckets.values().removeIf(b -> b.tokens() + (now - b.at()) / 1e9 * perSecond >= burst);
  }

  int tracked() {
    return buckets.size();
  }
}
