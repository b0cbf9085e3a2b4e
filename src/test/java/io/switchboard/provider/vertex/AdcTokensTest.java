package io.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.provider.UpstreamException;
import io.switchboard.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The cache in front of a blocking token source: waiting, refresh ahead of expiry, failures. */
class AdcTokensTest {
  private final MutableClock clock = new MutableClock("2026-01-01T00:00:00Z");
  /** Fetches handed off the event loop, run when the test says so. */
  private final Deque<Runnable> offloaded = new ArrayDeque<>();
  private final Deque<Object> answers = new ArrayDeque<>();
  private int fetches;
  private AdcTokens tokens;
  private ListAppender<ILoggingEvent> log;

  @BeforeEach
  void setUp() {
    AdcTokens.Source source = () -> {
      fetches++;
      Object next = answers.removeFirst();
      if (next instanceof IOException e) {
        throw e;
      }
      return (AdcTokens.Token) next;
    };
    tokens = new AdcTokens(source, this::offload, "vtx", clock);
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(AdcTokens.class)).addAppender(log);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(AdcTokens.class)).detachAppender(log);
  }

  private Future<AdcTokens.Token> offload(Callable<AdcTokens.Token> fetch) {
    Promise<AdcTokens.Token> promise = Promise.promise();
    offloaded.add(() -> {
      try {
        promise.complete(fetch.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  private void runOffloaded() {
    offloaded.removeFirst().run();
  }

  private AdcTokens.Token expiringIn(String value, Duration in) {
    return new AdcTokens.Token(value, clock.instant().plus(in));
  }

  @Test
  void requestsBeforeTheFirstTokenWaitAndShareOneFetchThenReadTheCache() {
    answers.add(expiringIn("t1", Duration.ofHours(1)));
    Future<String> first = tokens.token();
    Future<String> second = tokens.token();
    assertThat(first.isComplete()).isFalse();
    assertThat(offloaded).hasSize(1);

    runOffloaded();
    assertThat(first.result()).isEqualTo("t1");
    assertThat(second.result()).isEqualTo("t1");
    clock.advance(Duration.ofMinutes(50).toMillis());
    assertThat(tokens.token().result()).isEqualTo("t1");
    assertThat(offloaded).isEmpty();
    assertThat(fetches).isEqualTo(1);
  }

  @Test
  void prefetchFetchesBeforeTheFirstRequest() {
    answers.add(expiringIn("t1", Duration.ofHours(1)));
    tokens.prefetch();
    runOffloaded();
    assertThat(tokens.token().result()).isEqualTo("t1");
    assertThat(fetches).isEqualTo(1);
  }

  @Test
  void refreshesInTheBackgroundAheadOfExpiryWhileServingTheCachedToken() {
    answers.add(expiringIn("t1", Duration.ofHours(1)));
    tokens.prefetch();
    runOffloaded();

    // Inside the refresh window: the cached token at once, one refresh started behind it.
    clock.set(Instant.parse("2026-01-01T00:56:00Z").toEpochMilli());
    assertThat(tokens.token().result()).isEqualTo("t1");
    assertThat(tokens.token().result()).isEqualTo("t1");
    assertThat(offloaded).hasSize(1);
    answers.add(expiringIn("t2", Duration.ofHours(1)));
    runOffloaded();
    assertThat(tokens.token().result()).isEqualTo("t2");
    assertThat(fetches).isEqualTo(2);
  }

  @Test
  void aTokenAboutToExpireIsNotHandedOut() {
    answers.add(expiringIn("t1", Duration.ofHours(1)));
    tokens.prefetch();
    runOffloaded();
    clock.set(Instant.parse("2026-01-01T00:59:30Z").toEpochMilli());  // 30 s left: inside the margin
    Future<String> waiting = tokens.token();
    assertThat(waiting.isComplete()).isFalse();
    answers.add(expiringIn("t2", Duration.ofHours(1)));
    runOffloaded();
    assertThat(waiting.result()).isEqualTo("t2");
  }

  @Test
  void aFailureFailsRequestsOpenAiShapedLogsOnceAndIsRetriedLater() {
    String reason = "no Google Application Default Credentials found (tried: GOOGLE_APPLICATION_CREDENTIALS)";
    answers.add(new IOException(reason));
    answers.add(new IOException(reason));
    Future<String> first = tokens.token();
    runOffloaded();
    assertThat(first.failed()).isTrue();
    assertThat(first.cause()).isInstanceOfSatisfying(UpstreamException.class, e -> {
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage()).isEqualTo("Could not get a Vertex AI access token for provider vtx: " + reason);
    });

    // Within the retry pause: failed at once, no new search.
    clock.advance(Duration.ofSeconds(10).toMillis());
    assertThat(tokens.token().failed()).isTrue();
    assertThat(offloaded).isEmpty();

    // After it: one new attempt, which fails the same way and is not logged again.
    clock.advance(AdcTokens.RETRY_AFTER.toMillis());
    Future<String> retried = tokens.token();
    runOffloaded();
    assertThat(retried.failed()).isTrue();
    assertThat(fetches).isEqualTo(2);
    assertThat(log.list).hasSize(1);
    assertThat(log.list.getFirst().getFormattedMessage()).contains(reason);

    clock.advance(AdcTokens.RETRY_AFTER.toMillis());
    answers.add(expiringIn("t1", Duration.ofHours(1)));
    Future<String> recovered = tokens.token();
    runOffloaded();
    assertThat(recovered.result()).isEqualTo("t1");
  }

  @Test
  void aFailedBackgroundRefreshKeepsTheValidTokenInUse() {
    answers.add(expiringIn("t1", Duration.ofHours(1)));
    tokens.prefetch();
    runOffloaded();
    clock.set(Instant.parse("2026-01-01T00:56:00Z").toEpochMilli());
    answers.add(new IOException("the token endpoint is down"));
    assertThat(tokens.token().result()).isEqualTo("t1");
    runOffloaded();
    assertThat(tokens.token().result()).isEqualTo("t1");
    assertThat(offloaded).as("no new attempt inside the retry pause").isEmpty();
  }

  @Test
  void anExceptionMessageWithAKeyIsRedacted() {
    answers.add(new IOException("refused: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"));
    Future<String> first = tokens.token();
    runOffloaded();
    assertThat(first.cause().getMessage()).doesNotContain("abcdefghijklmnopqrstuvwxyz0123456789");
  }
}
