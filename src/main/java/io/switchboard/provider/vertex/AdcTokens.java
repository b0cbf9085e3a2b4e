package io.switchboard.provider.vertex;

import io.switchboard.provider.UpstreamErrors;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens from a blocking source (Google's Application Default Credentials), kept in memory so that no
 * request waits on file reads or token HTTP calls run by the library. The fetch runs off the event loop
 * ({@code offload}); a request reads the cached token, starts a background refresh once the token is within
 * {@link #REFRESH_AHEAD} of expiring, and waits (on a Future, never blocking) only when there is no usable token.
 * After a failure, requests fail at once with that failure for {@link #RETRY_AFTER}, then the next one tries
 * again; each distinct failure is logged once.
 */
final class AdcTokens implements TokenSupply {
  /** A token this close to expiry is still handed out while a fresh one is fetched. */
  static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
  /** A token this close to expiry is no longer handed out: it could expire on the way. */
  static final Duration MARGIN = AccessTokens.MARGIN;
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(AdcTokens.class);

  /** One token from the source. */
  record Token(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[value=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /** The blocking source: searches for credentials and refreshes them. Messages must hold no secret. */
  interface Source {
    Token fetch() throws IOException;
  }

  private final Source source;
  private final Function<Callable<Token>, Future<Token>> offload;
  private final String providerKey;
  private final Clock clock;

  private Token current;
  private Future<Token> inFlight;
  private Instant failedAt;
  private Throwable failure;
  private String lastLogged;

  AdcTokens(Source source, Function<Callable<Token>, Future<Token>> offload, String providerKey, Clock clock) {
    this.source = source;
    this.offload = offload;
    this.providerKey = providerKey;
    this.clock = clock;
  }

  @Override
  public synchronized Future<String> token() {
    Instant now = clock.instant();
    boolean mayTry = inFlight == null && (failedAt == null || !now.isBefore(failedAt.plus(RETRY_AFTER)));
    if (current != null && now.isBefore(current.expiresAt().minus(MARGIN))) {
      if (mayTry && !now.isBefore(current.expiresAt().minus(REFRESH_AHEAD))) {
        refresh();  // in the background; this request goes on with the cached token
      }
      return Future.succeededFuture(current.value());
    }
    if (inFlight == null && !mayTry) {
      return Future.failedFuture(failure);
    }
    Future<Token> fetch = inFlight != null ? inFlight : refresh();
    return AccessTokens.onCallersContext(fetch.map(Token::value));
  }

  /** Starts fetching ahead of the first request, so that it finds a token (or the reason there is none). */
  synchronized void prefetch() {
    if (inFlight == null && current == null) {
      refresh();
    }
  }

  private Future<Token> refresh() {
    Future<Token> fetch;
    try {
      fetch = offload.apply(source::fetch);
    } catch (RuntimeException e) {
      fetch = Future.failedFuture(e);
    }
    Future<Token> mapped = fetch.recover(e -> Future.failedFuture(failed(e)));
    inFlight = mapped;
    mapped.onComplete(ar -> done(mapped, ar.succeeded() ? ar.result() : null, ar.cause()));
    return mapped;
  }

  private synchronized void done(Future<Token> fetch, Token token, Throwable cause) {
    if (inFlight == fetch) {
      inFlight = null;
    }
    if (token != null) {
      if (lastLogged != null) {
        LOG.info("provider {}: Vertex AI access token obtained from Application Default Credentials", providerKey);
      }
      current = token;
      failedAt = null;
      failure = null;
      lastLogged = null;
      return;
    }
    failedAt = clock.instant();
    failure = cause;
    String message = cause.getMessage();
    if (!message.equals(lastLogged)) {
      lastLogged = message;
      LOG.warn(message);
    }
  }

  private Throwable failed(Throwable e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    detail = detail.strip();
    if (detail.length() > 600) {
      detail = detail.substring(0, 600) + "...";
    }
    return AccessTokens.failure(providerKey, 502, UpstreamErrors.redact(detail, null));
  }
}
