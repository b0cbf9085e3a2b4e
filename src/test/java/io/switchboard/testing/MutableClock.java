package io.switchboard.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock tests move by hand (refills, expiries, day and month boundaries). */
public final class MutableClock extends Clock {
  private volatile long millis;

  public MutableClock() {
    this(1_700_000_000_000L);
  }

  public MutableClock(long millis) {
    this.millis = millis;
  }

  /** Starts at an ISO instant, e.g. {@code 2026-11-30T23:59:00Z}. */
  public MutableClock(String instant) {
    this(Instant.parse(instant).toEpochMilli());
  }

  public void advance(long byMillis) {
    millis += byMillis;
  }

  public void set(long toMillis) {
    millis = toMillis;
  }

  public void set(String instant) {
    millis = Instant.parse(instant).toEpochMilli();
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
