package io.switchboard.routing;

import io.switchboard.config.GatewayConfig.Retry;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamException;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mechanism that tries candidates in order: retries on a target with exponential backoff and full
 * jitter (or the upstream's Retry-After, up to a cap), then fails over to the next target on transport
 * errors, timeouts, 408, 429, 5xx or the target's configured statuses. Anything else ends the request.
 */
public final class RequestExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(RequestExecutor.class);

  private final Vertx vertx;
  private final RandomGenerator random;
  private final TargetStats stats;
  private final Set<Integer> failoverOn;

  /** {@code failoverOn}: the strategy's extra statuses that move to the next target. */
  public RequestExecutor(Vertx vertx, RandomGenerator random, TargetStats stats, Set<Integer> failoverOn) {
    this.vertx = vertx;
    this.random = random;
    this.stats = stats;
    this.failoverOn = Set.copyOf(failoverOn);
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
   * Runs the plan. {@code requestFor} builds the upstream request for a candidate; {@code cancelled}
   * is checked before every new attempt so a client that went away costs no further upstream calls.
   */
  public Future<Outcome> execute(Operation operation, List<Candidate> plan,
      Function<Candidate, UpstreamRequest> requestFor, BooleanSupplier cancelled, String requestId) {
    Promise<Outcome> promise = Promise.promise();
    new Run(operation, plan, requestFor, cancelled, requestId, promise).attempt(0, 1);
    return promise.future();
  }

  private final class Run {
    final Operation operation;
    final List<Candidate> plan;
    final Function<Candidate, UpstreamRequest> requestFor;
    final BooleanSupplier cancelled;
    final String requestId;
    final Promise<Outcome> promise;
    int attempts;

    Run(Operation operation, List<Candidate> plan, Function<Candidate, UpstreamRequest> requestFor,
        BooleanSupplier cancelled, String requestId, Promise<Outcome> promise) {
      this.operation = operation;
      this.plan = plan;
      this.requestFor = requestFor;
      this.cancelled = cancelled;
      this.requestId = requestId;
      this.promise = promise;
    }

    void attempt(int index, int tryNumber) {
      Candidate candidate = plan.get(index);
      attempts++;
      long started = System.nanoTime();
      stats.started(candidate.target());
      Future<UpstreamResponse> call;
      try {
        call = operation.call(candidate.provider(), requestFor.apply(candidate));
      } catch (RuntimeException e) {
        call = Future.failedFuture(e);  // a translation that refused the request
      }
      call.onComplete(ar -> {
        // A stream's latency is its time to first byte: the response completes when the first chunk is in.
        stats.finished(candidate.target(), candidate.upstreamModel(), System.nanoTime() - started, ar.succeeded());
        if (ar.succeeded()) {
          promise.complete(new Outcome(ar.result(), candidate, attempts));
        } else if (ar.cause() instanceof UpstreamException failure) {
          onFailure(index, tryNumber, candidate, failure);
        } else {
          promise.fail(ar.cause());  // not the upstream's fault: no retry, no failover
        }
      });
    }

    void onFailure(int index, int tryNumber, Candidate candidate, UpstreamException failure) {
      Retry retry = candidate.target().retry();
      LOG.warn("request {} attempt {} to {} ({}) failed: {} {}", requestId, attempts, candidate.provider().key(),
          candidate.upstreamModel(), failure.status(), failure.getMessage());
      if (cancelled.getAsBoolean()) {
        promise.fail(new Exhausted(failure, attempts, candidate));
        return;
      }
      if (tryNumber < retry.attempts() && retryable(failure, retry)) {
        Duration delay = backoff(retry, tryNumber, failure.retryAfter());
        if (delay != null) {
          vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            if (cancelled.getAsBoolean()) {
              promise.fail(new Exhausted(failure, attempts, candidate));
            } else {
              attempt(index, tryNumber + 1);
            }
          });
          return;
        }
      }
      if (index + 1 < plan.size() && (failsOver(failure, retry) || failoverOn.contains(failure.status()))) {
        attempt(index + 1, 1);
        return;
      }
      promise.fail(new Exhausted(failure, attempts, candidate));
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
