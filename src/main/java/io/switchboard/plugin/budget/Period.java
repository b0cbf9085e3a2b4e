package io.switchboard.plugin.budget;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** How long a budget lasts before it starts over, in UTC: a day from 00:00, a month from the 1st, or forever. */
public enum Period {
  DAILY("daily", "today"),
  MONTHLY("monthly", "this month"),
  TOTAL("total", "in total");

  final String configName;
  /** How a message says "in this period". */
  final String phrase;

  Period(String configName, String phrase) {
    this.configName = configName;
    this.phrase = phrase;
  }

  static Period of(String value) {
    for (Period p : values()) {
      if (p.configName.equals(value)) {
        return p;
      }
    }
    return null;
  }

  /** The period containing {@code epochMillis}. */
  Window window(long epochMillis) {
    Instant now = Instant.ofEpochMilli(epochMillis);
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return switch (this) {
      case DAILY -> new Window(this, day.atStartOfDay(ZoneOffset.UTC).toInstant(),
          day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), day.toString());
      case MONTHLY -> {
        LocalDate first = day.withDayOfMonth(1);
        yield new Window(this, first.atStartOfDay(ZoneOffset.UTC).toInstant(),
            first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant(), first.toString().substring(0, 7));
      }
      case TOTAL -> new Window(this, Instant.EPOCH, null, "total");
    };
  }

  /**
   * One period: {@code [start, end)}, {@code end} null for a total budget. {@code tag} names it in Redis keys
   * ({@code 2026-11-24}, {@code 2026-11}, {@code total}).
   */
  record Window(Period period, Instant start, Instant end, String tag) {
    boolean contains(long epochMillis) {
      return epochMillis >= start.toEpochMilli() && (end == null || epochMillis < end.toEpochMilli());
    }

    /** Start of the period in epoch seconds: what tells counters of two periods apart. */
    long id() {
      return start.getEpochSecond();
    }
  }
}
