package io.switchboard.routing;

import io.switchboard.api.ApiException;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.GatewayConfig.Retry;
import io.switchboard.provider.LoopTimers;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamException;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.health.Rejection;
import io.switchboard.routing.health.TargetHealth;
import io.switchboard.routing.health.TargetHealth.Permit;
import io.switchboard.routing.health.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mechanism that tries candidates in order: retries on a target with exponential backoff and full
 * jitter (or the upstream's Retry-After, up to a cap), then fails over to the next target on transport
 * errors, timeouts, 408, 429, 5xx, the target's configured statuses or a context-length error. Anything
 * else ends the request. Before each attempt {@link TargetHealth} may skip the target (parked, breaker
 * open, no concurrency slot); the whole request runs within {@code request_timeout}.
 */
public final class RequestExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(RequestExecutor.class);

  private final Vertx vertx;
  private final RandomGenerator random;
  private final TargetStats stats;
  private final Set<Integer> failoverOn;
  private final TargetHealth health;
  private final long requestTimeoutNanos;
  private final ContextWindowFallback contextFallback;

  /** {@code failoverOn}: the strategy's extra statuses that move to the next target. No breakers, no caps. */
  public RequestExecutor(Vertx vertx, RandomGenerator random, TargetStats stats, Set<Integer> failoverOn) {
    this(vertx, random, stats, failoverOn, TargetHealth.local(List.of()),
        GatewayConfig.Resilience.DEFAULT_REQUEST_TIMEOUT, null);
  }

  /** {@code contextFallback} may be null. */
  public RequestExecutor(Vertx vertx, RandomGenerator random, TargetStats stats, Set<Integer> failoverOn,
      TargetHealth health, Duration requestTimeout, ContextWindowFallback contextFallback) {
    this.vertx = vertx;
    this.random = random;
    this.stats = stats;
    this.failoverOn = Set.copyOf(failoverOn);
    this.health = health;
    this.requestTimeoutNanos = requestTimeout.toNanos();
    this.contextFallback = contextFallback;
  }

  /** The answer, the candidate that gave it, and how many upstream attempts it took in all. */
  public record Outcome(UpstreamResponse response, Candidate served, int attempts) {}

  /** Every candidate failed: the last failure, which the client gets, and the attempt count. */
  public static final class Exhausted extends RuntimeException {
    private final UpstreamException last;
    private final int attempts;
    private final Candidate candidate;

    Exhausted(UpstreamException last, int attempts, Candidate candidate) {
      super(last.getMessage(), null, false, false);
      this.last = last;
      this.attempts = attempts;
      this.candidate = candidate;
    }

    public UpstreamException last() {
      return last;
    }

    public int attempts() {
      return attempts;
    }

    public Candidate candidate() {
      return candidate;
    }
  }

  /**
   * No attempt was made: every candidate was skipped (parked, breaker open, at its concurrency cap).
   * {@code retryAfter} is when one of them may take requests again, or null.
   */
  public static final class Refused extends RuntimeException {
    private final ApiException error;
    private final Duration retryAfter;

    Refused(ApiException error, Duration retryAfter) {
      super(error.getMessage(), null, false, false);
      this.error = error;
      this.retryAfter = retryAfter;
    }

    public ApiException error() {
      return error;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** 504 {@code request_timeout}: the request ran past {@code request_timeout}. */
  public static ApiException requestTimeout(Duration after) {
    return new ApiException(504, "timeout_error", "request_timeout", null,
        "The request did not complete within the gateway's request_timeout of " + after.toMillis() + " ms.");
  }

  /**
   * Runs the plan. {@code requestFor} builds the upstream request for a candidate; {@code cancelled}
   * is checked before every new attempt so a client that went away costs no further upstream calls.
   */
  public Future<Outcome> execute(Operation operation, List<Candidate> plan,
      Function<Candidate, UpstreamRequest> requestFor, BooleanSupplier cancelled, String requestId) {
    return execute(operation, plan, null, requestFor, cancelled, requestId);
  }

  /** {@code model}: the routed model (after aliases), for the context-window fallback target; may be null. */
  public Future<Outcome> execute(Operation operation, List<Candidate> plan, String model,
      Function<Candidate, UpstreamRequest> requestFor, BooleanSupplier cancelled, String requestId) {
    Promise<Outcome> promise = Promise.promise();
    Run run = new Run(operation, plan, model, requestFor, cancelled, requestId, promise);
    run.start();
    return promise.future();
  }

  private final class Run {
    final Operation operation;
    final List<Candidate> plan;
    final String model;
    final Function<Candidate, UpstreamRequest> requestFor;
    final BooleanSupplier cancelled;
    final String requestId;
    final Promise<Outcome> promise;
    final long deadline;
    final List<Rejection> skipped = new ArrayList<>(0);
    LoopTimers.Timeout deadlineTimer;
    int attempts;
    UpstreamException lastFailure;
    Candidate lastCandidate;

    Run(Operation operation, List<Candidate> plan, String model, Function<Candidate, UpstreamRequest> requestFor,
        BooleanSupplier cancelled, String requestId, Promise<Outcome> promise) {
      this.operation = operation;
      this.plan = new ArrayList<>(plan);
      this.model = model;
      this.requestFor = requestFor;
      this.cancelled = cancelled;
      this.requestId = requestId;
      this.promise = promise;
      this.deadline = System.nanoTime() + requestTimeoutNanos;
    }

    void start() {
      deadlineTimer = LoopTimers.schedule(vertx, TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos), this::timedOut);
      next(0, 1);
    }

    void cancelDeadline() {
      if (deadlineTimer != null) {
        deadlineTimer.cancel();
      }
    }

    long remainingMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    void timedOut() {
      cancelDeadline();
      if (promise.tryFail(requestTimeout(Duration.ofNanos(requestTimeoutNanos)))) {
        LOG.warn("request {} ran past request_timeout after {} attempts", requestId, attempts);
      }
    }

    void succeed(Outcome outcome) {
      cancelDeadline();
      promise.tryComplete(outcome);
    }

    void fail(Throwable cause) {
      cancelDeadline();
      promise.tryFail(cause);
    }

    /** Tries {@code plan[index]}, unless its health says to skip it. */
    void next(int index, int tryNumber) {
      if (promise.future().isComplete()) {
        return;
      }
      if (index >= plan.size()) {
        exhausted();
        return;
      }
      long remaining = remainingMillis();
      if (remaining <= 0) {
        timedOut();
        return;
      }
      Candidate candidate = plan.get(index);
      health.admit(vertx, candidate.target(), remaining, tryNumber > 1).onComplete(ar -> {
        if (ar.succeeded()) {
          attempt(index, tryNumber, candidate, ar.result());
          return;
        }
        if (!(ar.cause() instanceof Rejection rejection)) {
          fail(ar.cause());
          return;
        }
        if (rejection.reason() == Rejection.Reason.DEADLINE) {
          timedOut();
          return;
        }
        LOG.debug("request {} skips target {}: {}", requestId, candidate.target().id(), rejection.reason());
        skipped.add(rejection);
        next(index + 1, 1);
      });
    }

    void attempt(int index, int tryNumber, Candidate candidate, Permit permit) {
      if (promise.future().isComplete()) {
        permit.done(Verdict.NEUTRAL);
        return;
      }
      if (cancelled.getAsBoolean()) {
        // The client left while this request waited for a slot: nobody to answer, nothing to send.
        permit.done(Verdict.NEUTRAL);
        fail(new ApiException(499, "invalid_request_error", "client_closed_request", null,
            "The client closed the request."));
        return;
      }
      attempts++;
      long started = System.nanoTime();
      Duration own = candidate.target().timeout() != null ? candidate.target().timeout()
          : candidate.provider().config().timeout();
      long remaining = Math.max(1, remainingMillis());
      boolean cutByDeadline = remaining < own.toMillis();
      stats.started(candidate.target());
      Future<UpstreamResponse> call;
      try {
        UpstreamRequest request = requestFor.apply(candidate);
        if (cutByDeadline || candidate.target().timeout() != null) {
          request = request.withTimeout(cutByDeadline ? Duration.ofMillis(remaining) : own);
        }
        call = operation.call(candidate.provider(), request);
      } catch (RuntimeException e) {
        call = Future.failedFuture(e);  // a translation that refused the request
      }
      call.onComplete(ar -> {
        // A stream's latency is its time to first byte: the response completes when the first chunk is in.
        stats.finished(candidate.target(), candidate.upstreamModel(), System.nanoTime() - started, ar.succeeded());
        if (promise.future().isComplete()) {
          // The deadline answered the client already: this late result has no say and no reader.
          permit.settle(Verdict.NEUTRAL);
          if (ar.succeeded() && ar.result() instanceof UpstreamResponse.Streaming s) {
            s.stream().cancel();
          }
          permit.release();
          return;
        }
        if (ar.succeeded()) {
          permit.settle(Verdict.SUCCESS);
          if (ar.result() instanceof UpstreamResponse.Streaming s) {
            s.stream().onTerminate(permit::release);  // the slot is held until the stream is over
          } else {
            permit.release();
          }
          succeed(new Outcome(ar.result(), candidate, attempts));
        } else if (ar.cause() instanceof UpstreamException failure) {
          boolean neutral = cancelled.getAsBoolean()
              || (failure.kind() == UpstreamException.Kind.TIMEOUT && cutByDeadline);
          permit.done(neutral ? Verdict.NEUTRAL : verdict(failure));
          if (failure.kind() == UpstreamException.Kind.STATUS && failure.status() == 429) {
            health.park(candidate.target(), failure.retryAfter());
          }
          if (failure.kind() == UpstreamException.Kind.TIMEOUT && cutByDeadline) {
            timedOut();  // the attempt had only what was left of the request
            return;
          }
          onFailure(index, tryNumber, candidate, failure);
        } else {
          permit.done(Verdict.NEUTRAL);
          fail(ar.cause());  // not the upstream's fault: no retry, no failover
        }
      });
    }

    void onFailure(int index, int tryNumber, Candidate candidate, UpstreamException failure) {
      lastFailure = failure;
      lastCandidate = candidate;
      Retry retry = candidate.target().retry();
      LOG.warn("request {} attempt {} to {} ({}) failed: {} {}", requestId, attempts, candidate.target().id(),
          candidate.upstreamModel(), failure.status(), failure.getMessage());
      if (cancelled.getAsBoolean()) {
        fail(new Exhausted(failure, attempts, candidate));
        return;
      }
      if (ContextWindowFallback.isContextLengthError(failure)) {
        planContextFallback(index);
        if (index + 1 < plan.size()) {
          next(index + 1, 1);
        } else {
          fail(new Exhausted(failure, attempts, candidate));
        }
        return;
      }
      if (tryNumber < retry.attempts() && retryable(failure, retry)) {
        Duration delay = backoff(retry, tryNumber, failure.retryAfter());
        // A wait that would outlast the request's deadline is no retry: better to move on.
        if (delay != null && delay.toMillis() < remainingMillis()) {
          vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            if (cancelled.getAsBoolean()) {
              fail(new Exhausted(failure, attempts, candidate));
            } else {
              next(index, tryNumber + 1);
            }
          });
          return;
        }
      }
      if (index + 1 < plan.size() && (failsOver(failure, retry) || failoverOn.contains(failure.status()))) {
        next(index + 1, 1);
        return;
      }
      fail(new Exhausted(failure, attempts, candidate));
    }

    /** Puts the configured context-window target right after {@code index}, unless it was tried already. */
    void planContextFallback(int index) {
      if (contextFallback == null) {
        return;
      }
      String id = contextFallback.target().id();
      for (int i = 0; i <= index; i++) {
        if (plan.get(i).target().id().equals(id)) {
          return;
        }
      }
      plan.removeIf(c -> c.target().id().equals(id));
      String routed = model != null ? model : plan.get(index).upstreamModel();
      plan.add(index + 1, contextFallback.candidate(routed));
    }

    /** Past the end of the plan: the last real failure, or, when nothing was tried, why not. */
    void exhausted() {
      if (lastFailure != null) {
        fail(new Exhausted(lastFailure, attempts, lastCandidate));
      } else {
        fail(refusal(skipped));
      }
    }

    /** Null when the upstream asks for a longer wait than the cap: better to move on than to wait. */
    Duration backoff(Retry retry, int tryNumber, Duration retryAfter) {
      if (retryAfter != null) {
        return retryAfter.compareTo(retry.maxRetryAfter()) <= 0 ? retryAfter : null;
      }
      long ceiling = retry.initialBackoff().toMillis() << Math.min(tryNumber - 1, 20);
      ceiling = Math.min(ceiling, retry.maxBackoff().toMillis());
      return Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
    }
  }

  /**
   * Every candidate skipped: parked ones answer 429 with the shortest wait (they are back soonest), then
   * concurrency caps 429 {@code concurrency_limit}, then open breakers 503 {@code circuit_open}.
   */
  static Refused refusal(List<Rejection> skipped) {
    long parked = Long.MAX_VALUE;
    long open = Long.MAX_VALUE;
    boolean full = false;
    for (Rejection r : skipped) {
      switch (r.reason()) {
        case PARKED -> parked = Math.min(parked, r.retryAfterMillis());
        case CIRCUIT_OPEN -> open = Math.min(open, r.retryAfterMillis());
        case CONCURRENCY_LIMIT -> full = true;
        case DEADLINE -> { }
      }
    }
    if (parked != Long.MAX_VALUE) {
      return new Refused(new ApiException(429, "rate_limit_error", "rate_limit_exceeded", null,
          "Every provider for this model is rate limited; retry after " + seconds(parked) + " s."),
          Duration.ofMillis(parked));
    }
    if (full) {
      return new Refused(new ApiException(429, "rate_limit_error", "concurrency_limit", null,
          "Every provider for this model is at its concurrency limit; retry shortly."), null);
    }
    return new Refused(new ApiException(503, "api_error", "circuit_open", null,
        "Every provider for this model is temporarily unavailable (circuit open); retry after "
            + seconds(open == Long.MAX_VALUE ? 0 : open) + " s."),
        open == Long.MAX_VALUE ? null : Duration.ofMillis(open));
  }

  /** Whole seconds, rounded up, at least 1: the unit of a Retry-After header. */
  public static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  /** Whether a failure counts against the target's breaker. */
  static Verdict verdict(UpstreamException failure) {
    return switch (failure.kind()) {
      case CONNECTION, TIMEOUT, PROTOCOL -> Verdict.FAILURE;
      case STATUS -> failure.status() >= 500 || failure.status() == 408 ? Verdict.FAILURE : Verdict.NEUTRAL;
    };
  }

  static boolean retryable(UpstreamException failure, Retry retry) {
    return switch (failure.kind()) {
      case CONNECTION, TIMEOUT -> true;
      case STATUS -> retry.retryOnStatus().contains(failure.status());
      case PROTOCOL -> false;
    };
  }

  static boolean failsOver(UpstreamException failure, Retry retry) {
    return switch (failure.kind()) {
      case CONNECTION, TIMEOUT, PROTOCOL -> true;
      case STATUS -> failure.status() == 408 || failure.status() == 429 || failure.status() >= 500
          || retry.retryOnStatus().contains(failure.status());
    };
  }
}
