package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ApiException;
import io.switchboard.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The in-memory credentials: resolved off the event loop, refreshed ahead of expiry, failures explained. */
@Timeout(30)
class AmbientCredentialsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final Vertx vertx = Vertx.vertx();
  final MutableClock clock = new MutableClock(T0.toString());

  /** Answers from a script, one per call, counting calls and noting the thread. */
  static final class Scripted implements AwsCredentialsProvider {
    final Deque<Supplier<AwsCredentials>> answers = new ArrayDeque<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile String thread;
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public AwsCredentials resolveCredentials() {
      calls.incrementAndGet();
      thread = Thread.currentThread().getName();
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return answers.removeFirst().get();
    }
  }

  static Supplier<AwsCredentials> expiring(String keyId, Instant expiry) {
    return () -> AwsSessionCredentials.builder().accessKeyId(keyId).secretAccessKey("secret-" + keyId)
        .sessionToken("token-" + keyId).expirationTime(expiry).build();
  }

  static Supplier<AwsCredentials> failing() {
    return () -> {
      throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
    };
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no credentials within 10 s", e);
    }
  }

  @Test
  void firstRequestWaitsForTheWorkerThenReadsTheCache() {
    Scripted provider = new Scripted();
    provider.answers.add(expiring("A1", T0.plusSeconds(3600)));
    provider.gate = new CountDownLatch(1);
    AmbientCredentials credentials = new AmbientCredentials(provider, "aws", vertx, clock);

    Future<AwsCredentialsIdentity> first = credentials.get();
    assertThat(first.isComplete()).isFalse();
    provider.gate.countDown();
    assertThat(await(first).accessKeyId()).isEqualTo("A1");
    assertThat(provider.thread).doesNotContain("eventloop");

    clock.advance(30 * 60_000);
    Future<AwsCredentialsIdentity> cached = credentials.get();
    assertThat(cached.isComplete()).isTrue();
    assertThat(cached.result().accessKeyId()).isEqualTo("A1");
    assertThat(provider.calls).hasValue(1);
  }

  @Test
  void concurrentWaitersShareOneResolution() {
    Scripted provider = new Scripted();
    provider.answers.add(expiring("A1", T0.plusSeconds(3600)));
    provider.gate = new CountDownLatch(1);
    AmbientCredentials credentials = new AmbientCredentials(provider, "aws", vertx, clock);
    Future<AwsCredentialsIdentity> a = credentials.get();
    Future<AwsCredentialsIdentity> b = credentials.get();
    provider.gate.countDown();
    assertThat(await(a).accessKeyId()).isEqualTo("A1");
    assertThat(await(b).accessKeyId()).isEqualTo("A1");
    assertThat(provider.calls).hasValue(1);
  }

  @Test
  void refreshesInTheBackgroundAheadOfExpiry() {
    Scripted provider = new Scripted();
    Instant expiry = T0.plusSeconds(3600);
    provider.answers.add(expiring("A1", expiry));
    provider.answers.add(expiring("A2", expiry.plusSeconds(3600)));
    AmbientCredentials credentials = new AmbientCredentials(provider, "aws", vertx, clock);
    assertThat(await(credentials.get()).accessKeyId()).isEqualTo("A1");

    // Inside the prefetch window: the old credentials are still served at once while the new ones load.
    clock.set(expiry.minus(AmbientCredentials.PREFETCH).plusSeconds(1).toEpochMilli());
    provider.gate = new CountDownLatch(1);
    Future<AwsCredentialsIdentity> during = credentials.get();
    assertThat(during.isComplete()).isTrue();
    assertThat(during.result().accessKeyId()).isEqualTo("A1");
    provider.gate.countDown();
    assertThat(await(credentials.refresh()).accessKeyId()).isEqualTo("A2");
    assertThat(credentials.get().result().accessKeyId()).isEqualTo("A2");
    assertThat(provider.calls).hasValue(2);
  }

  @Test
  void almostExpiredCredentialsAreNotUsed() {
    Scripted provider = new Scripted();
    Instant expiry = T0.plusSeconds(3600);
    provider.answers.add(expiring("A1", expiry));
    provider.answers.add(expiring("A2", expiry.plusSeconds(3600)));
    AmbientCredentials credentials = new AmbientCredentials(provider, "aws", vertx, clock);
    await(credentials.get());

    clock.set(expiry.minusSeconds(30).toEpochMilli());
    provider.gate = new CountDownLatch(1);
    Future<AwsCredentialsIdentity> next = credentials.get();
    assertThat(next.isComplete()).isFalse();
    provider.gate.countDown();
    assertThat(await(next).accessKeyId()).isEqualTo("A2");
  }

  @Test
  void aChainThatFindsNothingFailsWith502NamingTheSourcesAndRetriesLater() {
    Scripted provider = new Scripted();
    provider.answers.add(failing());
    provider.answers.add(expiring("A1", T0.plusSeconds(3600)));
    AmbientCredentials credentials = new AmbientCredentials(provider, "aws", vertx, clock);

    Throwable failure = await(credentials.get().transform(Future::succeededFuture)).cause();
    assertThat(failure).isInstanceOf(ApiException.class);
    ApiException error = (ApiException) failure;
    assertThat(error.status()).isEqualTo(502);
    assertThat(error.getMessage()).contains("provider aws").contains("no AWS credentials")
        .contains("AWS_WEB_IDENTITY_TOKEN_FILE").contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .contains("EC2 instance metadata").contains("AWS_PROFILE");

    // Fails fast without asking the chain again, until the retry delay has passed.
    assertThat(credentials.get().failed()).isTrue();
    assertThat(provider.calls).hasValue(1);
    clock.advance(AmbientCredentials.RETRY_AFTER.toMillis() + 1);
    assertThat(await(credentials.get()).accessKeyId()).isEqualTo("A1");
    assertThat(provider.calls).hasValue(2);
  }

  @Test
  void aFailedBackgroundRefreshKeepsTheValidCredentials() {
    Scripted provider = new Scripted();
    Instant expiry = T0.plusSeconds(3600);
    provider.answers.add(expiring("A1", expiry));
    provider.answers.add(failing());
    AmbientCredentials credentials = new AmbientCredentials(provider, "aws", vertx, clock);
    await(credentials.get());

    clock.set(expiry.minus(AmbientCredentials.PREFETCH).plusSeconds(1).toEpochMilli());
    assertThat(await(credentials.refresh()).accessKeyId()).isEqualTo("A1");
    assertThat(credentials.get().result().accessKeyId()).isEqualTo("A1");
    assertThat(provider.calls).hasValue(2);
  }
}
