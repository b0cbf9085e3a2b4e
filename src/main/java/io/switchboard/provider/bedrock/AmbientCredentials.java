package io.switchboard.provider.bedrock;

import static java.util.Objects.requireNonNull;

import io.switchboard.api.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS credentials from the SDK's default chain, held in memory for the signer. Resolving reads files and makes
 * HTTP calls (STS, the ECS endpoint, IMDS), so it runs on a worker thread: the event loop only ever reads the
 * cached value, or waits on a Future for the first one. Credentials are refreshed in the background once they
 * are within {@link #PREFETCH} of expiry, and waited for only when within {@link #STALE} of it.
 */
final class AmbientCredentials {
  private static final Logger LOG = LoggerFactory.getLogger(AmbientCredentials.class);
  static final Duration PREFETCH = Duration.ofMinutes(5);
  static final Duration STALE = Duration.ofMinutes(1);
  /** After a failed resolution, requests fail fast with it for this long before the chain is tried again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(10);
  static final String TRIED = "environment keys (AWS_ACCESS_KEY_ID), the shared credentials and config files"
      + " (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), web identity (AWS_WEB_IDENTITY_TOKEN_FILE"
      + " with AWS_ROLE_ARN), ECS container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI)"
      + " and EC2 instance metadata";

  /** By provider entry, held weakly so that entries dropped by a reload are let go. */
  private static final Map<Object, AmbientCredentials> SHARED = new WeakHashMap<>();

  private record Failure(ApiException error, Instant at) {}

  private final AwsCredentialsProvider provider;
  private final String providerKey;
  private final Vertx vertx;
  private final Clock clock;
  private volatile AwsCredentialsIdentity current;
  private volatile Failure failure;
  private final AtomicReference<Future<AwsCredentialsIdentity>> inFlight = new AtomicReference<>();

  AmbientCredentials(AwsCredentialsProvider provider, String providerKey, Vertx vertx, Clock clock) {
    this.provider = requireNonNull(provider, "provider");
    this.providerKey = requireNonNull(providerKey, "providerKey");
    this.vertx = requireNonNull(vertx, "vertx");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The SDK's default chain for one provider entry, resolving once now so that the first request rarely
   * waits. Each event loop builds its own providers from the same entry; they share one cache, so the chain
   * is asked once per refresh, not once per event loop.
   */
  static AmbientCredentials defaultChain(Object entry, String providerKey, Vertx vertx, Clock clock) {
    synchronized (SHARED) {
      AmbientCredentials shared = SHARED.get(entry);
      if (shared != null && shared.vertx == vertx) {
        return shared;
      }
      AmbientCredentials credentials = new AmbientCredentials(DefaultCredentialsProvider.builder().build(),
          providerKey, vertx, clock);
      SHARED.put(entry, credentials);
      credentials.refresh();
      return credentials;
    }
  }

  /** Credentials fit to sign with now; never blocks the calling thread. */
  Future<AwsCredentialsIdentity> get() {
    AwsCredentialsIdentity held = current;
    Instant now = clock.instant();
    if (held != null) {
      Instant expiry = held.expirationTime().orElse(null);
      if (expiry == null || now.isBefore(expiry.minus(PREFETCH))) {
        return Future.succeededFuture(held);
      }
      if (now.isBefore(expiry.minus(STALE))) {
        if (!failedRecently(now)) {
          refresh();
        }
        return Future.succeededFuture(held);
      }
    }
    Failure failed = failure;
    if (failedRecently(now)) {
      boolean valid = held != null && held.expirationTime().map(now::isBefore).orElse(true);
      return valid ? Future.succeededFuture(held) : Future.failedFuture(failed.error());
    }
    return onCallersContext(refresh());
  }

  private boolean failedRecently(Instant now) {
    Failure failed = failure;
    return failed != null && now.isBefore(failed.at().plus(RETRY_AFTER));
  }

  /** The worker completes the refresh on some context; the request carries on where it came from. */
  private static <T> Future<T> onCallersContext(Future<T> future) {
    Context context = Vertx.currentContext();
    if (context == null || future.isComplete()) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(done -> context.runOnContext(v -> promise.handle(done)));
    return promise.future();
  }

  /** Starts one resolution on a worker thread, or joins the one already running. */
  Future<AwsCredentialsIdentity> refresh() {
    Future<AwsCredentialsIdentity> running = inFlight.get();
    if (running != null) {
      return running;
    }
    Promise<AwsCredentialsIdentity> promise = Promise.promise();
    if (!inFlight.compareAndSet(null, promise.future())) {
      return inFlight.get();
    }
    vertx.<AwsCredentialsIdentity>executeBlocking(provider::resolveCredentials, false).onComplete(done -> {
      if (done.succeeded() && done.result() != null) {
        current = done.result();
        failure = null;
        inFlight.set(null);
        promise.complete(done.result());
        return;
      }
      ApiException error = new ApiException(502, "api_error", "upstream_credentials_unavailable", null,
          "provider " + providerKey + ": no AWS credentials found for Bedrock (tried: " + TRIED
              + "); set aws_access_key_id and aws_secret_access_key, api_key, or one of those sources");
      if (failure == null) {
        // Once per failing streak; the SDK's reason names sources and files, never key material.
        LOG.error("{}: {}", error.getMessage(), done.cause() == null ? "no credentials" : done.cause().getMessage());
      }
      failure = new Failure(error, clock.instant());
      inFlight.set(null);
      AwsCredentialsIdentity held = current;
      Instant expiry = held == null ? null : held.expirationTime().orElse(null);
      if (held != null && (expiry == null || clock.instant().isBefore(expiry))) {
        // A failed background refresh: the credentials held are still valid, use them.
        promise.complete(held);
      } else {
        promise.fail(error);
      }
    });
    return promise.future();
  }
}
