package io.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.config.GatewayConfig;
import io.switchboard.config.GatewayConfig.CircuitBreaker;
import io.switchboard.config.GatewayConfig.Concurrency;
import io.switchboard.config.GatewayConfig.Retry;
import io.switchboard.config.GatewayConfig.Target;
import io.switchboard.config.ProviderType;
import io.switchboard.config.Secret;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamException;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.RequestExecutor.Exhausted;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.routing.RequestExecutor.Refused;
import io.switchboard.routing.health.CircuitBreaker.State;
import io.switchboard.routing.health.TargetHealth;
import io.switchboard.stream.OpenAiSseCheck;
import io.switchboard.stream.MemoryReadStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The executor against scripted fake providers: what is skipped, what counts, what is released. */
@Timeout(20)
class RequestExecutorResilienceTest {
  static final CircuitBreaker BREAKER = new CircuitBreaker(2, 1, Duration.ofSeconds(30));

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A chat provider that answers from a script and records what it was sent. */
  static final class Fake implements ChatProvider {
    final GatewayConfig.Provider config;
    final Queue<Function<UpstreamRequest, Future<UpstreamResponse>>> script = new ArrayDeque<>();
    final List<UpstreamRequest> received = Collections.synchronizedList(new ArrayList<>());

    Fake(String key) {
      config = new GatewayConfig.Provider(key, ProviderType.MOCK, new Secret(""), "http://127.0.0.1:1", Map.of(),
          Duration.ofSeconds(60), List.of());
    }

    Fake then(Function<UpstreamRequest, Future<UpstreamResponse>> reply) {
      script.add(reply);
      return this;
    }

    @Override
    public GatewayConfig.Provider config() {
      return config;
    }

    @Override
    public Future<UpstreamResponse> chat(UpstreamRequest request) {
      received.add(request);
      var reply = script.poll();
      return reply == null ? ok() : reply.apply(request);
    }
  }

  static Future<UpstreamResponse> ok() {
    return Future.succeededFuture(new UpstreamResponse.Complete(Buffer.buffer("{}"), null));
  }

  static Future<UpstreamResponse> status(int status) {
    return Future.failedFuture(new UpstreamException(UpstreamException.Kind.STATUS, status,
        OpenAiErrors.body("failed with " + status, OpenAiErrors.typeForStatus(status), null, null), null));
  }

  static Future<UpstreamResponse> rateLimited(Duration retryAfter) {
    return Future.failedFuture(new UpstreamException(UpstreamException.Kind.STATUS, 429,
        OpenAiErrors.body("slow down", "rate_limit_error", null, "rate_limit_exceeded"), retryAfter));
  }

  static Target target(String id, CircuitBreaker breaker, Concurrency concurrency, Duration timeout) {
    return new Target(id, id, 1, Retry.NONE, List.of(), Map.of(), breaker, concurrency, timeout);
  }

  record Setup(RequestExecutor executor, TargetHealth health, List<Candidate> plan) {}

  Setup setup(List<Target> targets, List<Fake> fakes, Duration requestTimeout, ContextWindowFallback fallback) {
    TargetHealth health = TargetHealth.local(targets);
    RequestExecutor executor = new RequestExecutor(vertx, new Random(1), new LocalTargetStats(), Set.of(), health,
        requestTimeout, fallback);
    List<Candidate> plan = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      plan.add(new Candidate(targets.get(i), fakes.get(i), "gpt-4o"));
    }
    return new Setup(executor, health, plan);
  }

  Future<Outcome> run(Setup s, List<Candidate> plan) throws Exception {
    CompletableFuture<Future<Outcome>> out = new CompletableFuture<>();
    vertx.runOnContext(v -> out.complete(s.executor().execute(Operation.CHAT, plan, "gpt-4o",
        c -> new UpstreamRequest(Json.object().put("model", "gpt-4o"), null, c.upstreamModel(), false, "req"),
        () -> false, "req")));
    Future<Outcome> f = out.get(5, TimeUnit.SECONDS);
    f.transform(Future::succeededFuture).await(10, TimeUnit.SECONDS);
    return f;
  }

  @Test
  void anOpenBreakerIsSkippedWithoutAnAttemptAndAllOpenIs503() throws Exception {
    Fake a = new Fake("a").then(r -> status(500)).then(r -> status(502));
    Fake b = new Fake("b");
    Setup s = setup(List.of(target("a", BREAKER, null, null), target("b", null, null, null)), List.of(a, b),
        Duration.ofSeconds(10), null);

    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("b");
    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("b");
    assertThat(s.health().breakerState(s.plan().get(0).target())).isEqualTo(State.OPEN);
    assertThat(run(s, s.plan()).result().attempts()).isEqualTo(1);
    assertThat(a.received).hasSize(2);  // the third request did not touch it

    Future<Outcome> onlyA = run(s, List.of(s.plan().get(0)));
    assertThat(onlyA.cause()).isInstanceOfSatisfying(Refused.class, e -> {
      assertThat(e.error().status()).isEqualTo(503);
      assertThat(e.error().code()).isEqualTo("circuit_open");
      assertThat(e.retryAfter()).isPositive();
    });
  }

  @Test
  void clientErrorsAndRateLimitsDoNotCountAgainstTheBreaker() throws Exception {
    Fake a = new Fake("a").then(r -> status(400)).then(r -> status(404)).then(r -> status(422))
        .then(r -> rateLimited(Duration.ofMillis(1)));
    Setup s = setup(List.of(target("a", BREAKER, null, null)), List.of(a), Duration.ofSeconds(10), null);
    for (int i = 0; i < 4; i++) {
      assertThat(run(s, s.plan()).cause()).isInstanceOf(Exhausted.class);
    }
    assertThat(s.health().breakerState(s.plan().get(0).target())).isEqualTo(State.CLOSED);
  }

  @Test
  void a429ParksTheTargetUntilItsRetryAfter() throws Exception {
    Fake a = new Fake("a").then(r -> rateLimited(Duration.ofSeconds(20)));
    Fake b = new Fake("b");
    Setup s = setup(List.of(target("a", null, null, null), target("b", null, null, null)), List.of(a, b),
        Duration.ofSeconds(10), null);
    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("b");
    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("b");
    assertThat(a.received).hasSize(1);
    assertThat(s.health().parkedMillis(s.plan().get(0).target())).isBetween(15_000L, 20_000L);

    Future<Outcome> onlyA = run(s, List.of(s.plan().get(0)));
    assertThat(onlyA.cause()).isInstanceOfSatisfying(Refused.class, e -> {
      assertThat(e.error().status()).isEqualTo(429);
      assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20));
    });
  }

  @Test
  void concurrencyCapFailsOverAndAnswers429WhenNothingIsLeft() throws Exception {
    Promise<UpstreamResponse> hanging = Promise.promise();
    Fake a = new Fake("a").then(r -> hanging.future());
    Fake b = new Fake("b");
    Setup s = setup(List.of(target("a", null, new Concurrency(1, 0), null), target("b", null, null, null)),
        List.of(a, b), Duration.ofSeconds(10), null);
    Target ta = s.plan().get(0).target();
    CompletableFuture<Future<Outcome>> first = new CompletableFuture<>();
    vertx.runOnContext(v -> first.complete(s.executor().execute(Operation.CHAT, s.plan(), "gpt-4o",
        c -> new UpstreamRequest(Json.object(), null, c.upstreamModel(), false, "r1"), () -> false, "r1")));
    Future<Outcome> inFlight = first.get(5, TimeUnit.SECONDS);
    assertThat(s.health().inFlight(ta)).isEqualTo(1);

    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("b");
    assertThat(run(s, List.of(s.plan().get(0))).cause()).isInstanceOfSatisfying(Refused.class, e -> {
      assertThat(e.error().status()).isEqualTo(429);
      assertThat(e.error().code()).isEqualTo("concurrency_limit");
    });

    vertx.runOnContext(v -> hanging.complete(new UpstreamResponse.Complete(Buffer.buffer("{}"), null)));
    inFlight.await(5, TimeUnit.SECONDS);
    assertThat(s.health().inFlight(ta)).isZero();
    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("a");
    assertThat(s.health().inFlight(ta)).isZero();
  }

  @Test
  void failuresAndRefusedTranslationsReleaseTheirSlot() throws Exception {
    Fake a = new Fake("a").then(r -> status(500))
        .then(r -> Future.failedFuture(new UpstreamException(UpstreamException.Kind.CONNECTION, 502,
            OpenAiErrors.body("reset", "api_error", null, null), null)))
        .then(r -> {
          throw ApiException.invalidRequest("tools", "unsupported", "no");
        });
    Setup s = setup(List.of(target("a", null, new Concurrency(1, 0), null)), List.of(a), Duration.ofSeconds(10), null);
    for (int i = 0; i < 3; i++) {
      assertThat(run(s, s.plan()).failed()).isTrue();
      assertThat(s.health().inFlight(s.plan().get(0).target())).isZero();
    }
    assertThat(a.received).hasSize(3);
  }

  @Test
  void queuedRequestsGetTheSlotWhenItFrees() throws Exception {
    Promise<UpstreamResponse> hanging = Promise.promise();
    Fake a = new Fake("a").then(r -> hanging.future());
    Setup s = setup(List.of(target("a", null, new Concurrency(1, 1), null)), List.of(a), Duration.ofSeconds(10), null);
    CompletableFuture<Future<Outcome>> first = new CompletableFuture<>();
    CompletableFuture<Future<Outcome>> second = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      first.complete(s.executor().execute(Operation.CHAT, s.plan(), "gpt-4o",
          c -> new UpstreamRequest(Json.object(), null, c.upstreamModel(), false, "r1"), () -> false, "r1"));
      second.complete(s.executor().execute(Operation.CHAT, s.plan(), "gpt-4o",
          c -> new UpstreamRequest(Json.object(), null, c.upstreamModel(), false, "r2"), () -> false, "r2"));
    });
    Future<Outcome> queued = second.get(5, TimeUnit.SECONDS);
    assertThat(queued.isComplete()).isFalse();
    assertThat(a.received).hasSize(1);
    vertx.runOnContext(v -> hanging.complete(new UpstreamResponse.Complete(Buffer.buffer("{}"), null)));
    assertThat(queued.await(5, TimeUnit.SECONDS).served().target().id()).isEqualTo("a");
    assertThat(a.received).hasSize(2);
    assertThat(s.health().inFlight(s.plan().get(0).target())).isZero();
  }

  @Test
  void aStreamHoldsItsSlotUntilItEndsFailsOrIsCancelled() throws Exception {
    Fake a = new Fake("a");
    for (String tail : List.of("data: [DONE]\n\n", "data: {}\n\n", "data: [DONE]\n\n")) {
      a.then(r -> {
        MemoryReadStream rest = new MemoryReadStream(Vertx.currentContext(), List.of(Buffer.buffer(tail)));
        rest.pause();
        return Future.succeededFuture(new UpstreamResponse.Streaming(
            new UpstreamStream(Buffer.buffer("data: {}\n\n"), rest, new OpenAiSseCheck(), rest::pause), null));
      });
    }
    Setup s = setup(List.of(target("a", null, new Concurrency(5, 0), null)), List.of(a), Duration.ofSeconds(10), null);
    Target ta = s.plan().get(0).target();

    UpstreamStream ended = ((UpstreamResponse.Streaming) run(s, s.plan()).result().response()).stream();
    assertThat(s.health().inFlight(ta)).isEqualTo(1);
    CompletableFuture<String> done = new CompletableFuture<>();
    vertx.runOnContext(v -> ended.start(b -> {}, e -> done.complete("end"), t -> done.complete("error")));
    assertThat(done.get(5, TimeUnit.SECONDS)).isEqualTo("end");
    assertThat(s.health().inFlight(ta)).isZero();

    UpstreamStream broken = ((UpstreamResponse.Streaming) run(s, s.plan()).result().response()).stream();
    assertThat(s.health().inFlight(ta)).isEqualTo(1);
    CompletableFuture<String> failed = new CompletableFuture<>();
    vertx.runOnContext(v -> broken.start(b -> {}, e -> failed.complete("end"), t -> failed.complete("error")));
    assertThat(failed.get(5, TimeUnit.SECONDS)).isEqualTo("error");
    assertThat(s.health().inFlight(ta)).isZero();

    UpstreamStream cancelled = ((UpstreamResponse.Streaming) run(s, s.plan()).result().response()).stream();
    assertThat(s.health().inFlight(ta)).isEqualTo(1);
    CompletableFuture<Void> gone = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      cancelled.cancel();
      cancelled.cancel();  // twice: still one release
      gone.complete(null);
    });
    gone.get(5, TimeUnit.SECONDS);
    assertThat(s.health().inFlight(ta)).isZero();
  }

  @Test
  void theRequestTimeoutBoundsEverythingAndIsA504() throws Exception {
    Fake a = new Fake("a").then(r -> Promise.<UpstreamResponse>promise().future());
    Setup s = setup(List.of(target("a", null, new Concurrency(1, 0), Duration.ofSeconds(30))), List.of(a),
        Duration.ofMillis(200), null);
    long start = System.nanoTime();
    Future<Outcome> f = run(s, s.plan());
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    assertThat(f.cause()).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(504);
      assertThat(e.type()).isEqualTo("timeout_error");
      assertThat(e.code()).isEqualTo("request_timeout");
    });
    // the attempt was given what was left of the request, not the target's 30 s
    assertThat(a.received.getFirst().timeout()).isLessThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aTargetTimeoutReplacesTheProviders() throws Exception {
    Fake a = new Fake("a");
    Setup s = setup(List.of(target("a", null, null, Duration.ofSeconds(3))), List.of(a), Duration.ofSeconds(60), null);
    run(s, s.plan()).result();
    assertThat(a.received.getFirst().timeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void backoffThatWouldOutlastTheDeadlineMovesOnInstead() throws Exception {
    Fake a = new Fake("a").then(r -> rateLimited(Duration.ofSeconds(5)));
    Fake b = new Fake("b");
    Target ta = new Target("a", "a", 1, new Retry(3, Retry.DEFAULT_STATUSES, Duration.ofMillis(100),
        Duration.ofSeconds(5), Duration.ofSeconds(30)), List.of(), Map.of(), null, null, null);
    Setup s = setup(List.of(ta, target("b", null, null, null)), List.of(a, b), Duration.ofSeconds(2), null);
    long start = System.nanoTime();
    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("b");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
  }

  @Test
  void aContextLengthErrorMovesToTheConfiguredFallbackWithItsModel() throws Exception {
    Fake a = new Fake("a").then(r -> Future.failedFuture(new UpstreamException(UpstreamException.Kind.STATUS, 400,
        OpenAiErrors.body("This model's maximum context length is 128000 tokens.", "invalid_request_error",
            "messages", "context_length_exceeded"), null)));
    Fake b = new Fake("b");
    Fake big = new Fake("big");
    Target tBig = new Target("big", "big", 1, Retry.NONE, List.of(), Map.of("gpt-4o", "gpt-4.1-1m"), null, null, null);
    Setup s = setup(List.of(target("a", BREAKER, null, null), target("b", null, null, null)), List.of(a, b),
        Duration.ofSeconds(10), new ContextWindowFallback(tBig, big));

    Outcome outcome = run(s, s.plan()).result();
    assertThat(outcome.served().target().id()).isEqualTo("big");
    assertThat(big.received.getFirst().model()).isEqualTo("gpt-4.1-1m");
    assertThat(b.received).isEmpty();
    assertThat(s.health().breakerState(s.plan().get(0).target())).isEqualTo(State.CLOSED);
  }

  @Test
  void withoutAConfiguredFallbackAContextLengthErrorMovesToTheNextTarget() throws Exception {
    Fake a = new Fake("a").then(r -> Future.failedFuture(new UpstreamException(UpstreamException.Kind.STATUS, 400,
        OpenAiErrors.body("prompt is too long: 210000 tokens > 200000 maximum", "invalid_request_error", null,
            "invalid_request_error"), null)));
    Fake b = new Fake("b");
    Setup s = setup(List.of(target("a", null, null, null), target("b", null, null, null)), List.of(a, b),
        Duration.ofSeconds(10), null);
    assertThat(run(s, s.plan()).result().served().target().id()).isEqualTo("b");
  }
}
