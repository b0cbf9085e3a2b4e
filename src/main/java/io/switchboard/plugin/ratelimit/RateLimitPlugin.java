package io.switchboard.plugin.ratelimit;

import io.switchboard.api.ApiException;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.Rejection;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code rate-limit} plugin: token buckets per configured limit (see {@link Limit}), kept by a
 * {@link Limiter}. Every answer carries the OpenAI-style {@code x-ratelimit-*} headers of the tightest
 * request limit (and of {@code key_tpm}); a denial is a 429 with {@code Retry-After}.
 */
final class RateLimitPlugin implements Plugin {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitPlugin.class);

  static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
  static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
  static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
  static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
  static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
  static final String RESET_TOKENS = "x-ratelimit-reset-tokens";
  static final String RETRY_AFTER = "retry-after";
  static final String TYPE = "rate_limit_error";
  static final String CODE = "rate_limit_exceeded";

  private static final long WARN_EVERY_MILLIS = 10_000;

  private final AtomicLong lastWarning = new AtomicLong();
  private final String name;
  private final Limit[] limits;
  private final Limiter limiter;
  private final boolean failOpen;
  private final int tokenLimit;  // index of key_tpm, or -1
  private final String[] limitHeader;  // each limit's x-ratelimit-limit-* value, made once

  RateLimitPlugin(String name, Limit[] limits, Limiter limiter, boolean failOpen) {
    this.name = name;
    this.limits = limits;
    this.limiter = limiter;
    this.failOpen = failOpen;
    int tokens = -1;
    for (int i = 0; i < limits.length; i++) {
      if (limits[i].kind() == Limit.Kind.TOKENS) {
        tokens = i;
      }
    }
    this.tokenLimit = tokens;
    this.limitHeader = new String[limits.length];
    for (int i = 0; i < limits.length; i++) {
      limitHeader[i] = Long.toString(limits[i].headerLimit());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsAnswer() {
    return tokenLimit >= 0;
  }

  @Override
  public Future<Void> start() {
    return limiter.start();
  }

  @Override
  public Future<Void> close() {
    return limiter.close();
  }

  @Override
  public boolean rewritesRequests() {
    return false;
  }

  @Override
  public Future<Outcome> handle(Exchange exchange, Chain next) {
    String[] subjects = new String[limits.length];
    for (int i = 0; i < limits.length; i++) {
      subjects[i] = limits[i].scope().subject(exchange);
    }
    return limiter.acquire(subjects).compose(decision -> {
      headers(exchange.responseHeaders(), decision);
      if (decision.allowed()) {
        return next.proceed(exchange);
      }
      long seconds = Math.max(1, (decision.waitMillis() + 999) / 1000);
      exchange.responseHeaders().set(RETRY_AFTER, Long.toString(seconds));
      return Future.failedFuture(Rejection.of(429, TYPE, CODE, null, name,
          limits[decision.limiting()].message() + seconds + " s."));
    }, failure -> {
      warn(failure);
      if (failOpen) {
        return next.proceed(exchange);
      }
      return Future.failedFuture(new ApiException(500, "server_error", "rate_limit_unavailable", null,
          "Rate limits could not be checked (their store did not answer), so the request was not sent (request id "
              + exchange.requestId() + ")."));
    });
  }

  /** One line every ten seconds at most: a store that is down fails every request; once is enough to say so. */
  private void warn(Throwable failure) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
      LOG.warn("rate limits could not be checked, requests are {} until the store answers: {}",
          failOpen ? "let through unchecked (fail_open)" : "refused", failure.toString());
    }
  }

  @Override
  public void onFinish(Exchange exchange, Finish finish) {
    if (tokenLimit < 0) {
      return;
    }
    long used = finish.usage().totalTokens();
    if (used > 0) {
      limiter.debit(tokenLimit, exchange.keyId(), used);
    }
  }

  /** The tightest request limit (fewest requests left, then longest to reset) and the token limit. */
  private void headers(MultiMap out, Decision decision) {
    double[] tokens = decision.tokens();
    int tightest = -1;
    long left = 0;
    long reset = 0;
    for (int i = 0; i < limits.length; i++) {
      if (limits[i].kind() != Limit.Kind.REQUESTS || Double.isNaN(tokens[i])) {
        continue;
      }
      long l = Math.max(0, (long) Math.floor(tokens[i]));
      long r = limits[i].resetMillis(tokens[i]);
      if (tightest < 0 || l < left || (l == left && r > reset)) {
        tightest = i;
        left = l;
        reset = r;
      }
    }
    if (tightest >= 0) {
      out.set(LIMIT_REQUESTS, limitHeader[tightest]);
      out.set(REMAINING_REQUESTS, Long.toString(left));
      out.set(RESET_REQUESTS, duration(reset));
    }
    if (tokenLimit >= 0 && !Double.isNaN(tokens[tokenLimit])) {
      double t = tokens[tokenLimit];
      out.set(LIMIT_TOKENS, limitHeader[tokenLimit]);
      out.set(REMAINING_TOKENS, Long.toString(Math.max(0, (long) Math.floor(t))));
      out.set(RESET_TOKENS, duration(limits[tokenLimit].resetMillis(t)));
    }
  }

  /** OpenAI's reset notation: {@code 0s}, {@code 250ms}, {@code 1.2s}, {@code 6m0s}, {@code 1h2m3s}. */
  static String duration(long millis) {
    if (millis <= 0) {
      return "0s";
    }
    if (millis < 1000) {
      return millis + "ms";
    }
    StringBuilder out = new StringBuilder(12);
    long hours = millis / 3_600_000;
    long minutes = millis / 60_000 % 60;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    long ms = millis % 60_000;
    out.append(ms / 1000);
    long tenths = ms % 1000 / 100;  // one decimal is what OpenAI shows ("1.2s"); shorter, never later
    if (tenths > 0 && hours == 0 && minutes == 0) {
      out.append('.').append(tenths);
    }
    return out.append('s').toString();
  }
}
