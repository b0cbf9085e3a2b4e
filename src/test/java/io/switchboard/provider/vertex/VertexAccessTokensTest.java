package io.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.provider.UpstreamException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The service-account token exchange against a token endpoint stand-in that checks the signed assertion. */
@Timeout(20)
class VertexAccessTokensTest {
  private static final TestKeys KEYS = new TestKeys();

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private Context context;
  private final List<String> assertions = new CopyOnWriteArrayList<>();
  private final AtomicInteger exchanges = new AtomicInteger();
  private final AtomicReference<String> failWith = new AtomicReference<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private volatile long delayMs;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Map<String, String> form = java.util.Arrays.stream(body.toString().split("&")).map(p -> p.split("=", 2))
          .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
      assertions.add(form.get("assertion"));
      int n = exchanges.incrementAndGet();
      Runnable answer = () -> {
        if (failWith.get() != null) {
          req.response().setStatusCode(400).putHeader("content-type", "application/json").end(failWith.get());
        } else if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))
            || !req.getHeader("content-type").startsWith("application/x-www-form-urlencoded")) {
          req.response().setStatusCode(400).end("{\"error\":\"unsupported_grant_type\"}");
        } else {
          req.response().putHeader("content-type", "application/json")
              .end("{\"access_token\":\"ya29.token-" + n + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
        }
      };
      if (delayMs > 0) {
        vertx.setTimer(delayMs, id -> answer.run());
      } else {
        answer.run();
      }
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private AccessTokens tokens() {
    return new AccessTokens(client, KEYS.account(tokenUri()), "vtx", clock, Duration.ofSeconds(5));
  }

  private String tokenUri() {
    return "http://127.0.0.1:" + server.actualPort() + "/token";
  }

  /** Calls {@code token()} on an event loop, as the gateway does, and waits for the result here. */
  private String await(AccessTokens tokens) {
    return future(tokens).toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private Future<String> future(AccessTokens tokens) {
    Promise<String> result = Promise.promise();
    context.runOnContext(v -> tokens.token().onComplete(result));
    return result.future();
  }

  @Test
  void theAssertionIsAnRs256JwtSignedWithTheServiceAccountKey() throws Exception {
    assertThat(await(tokens())).isEqualTo("ya29.token-1");
    SignedJWT jwt = SignedJWT.parse(assertions.getFirst());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo("key-1");
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) KEYS.pair.getPublic()))).isTrue();
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("gateway@test-project.iam.gserviceaccount.com");
    assertThat(claims.getStringClaim("scope")).isEqualTo("https://www.googleapis.com/auth/cloud-platform");
    assertThat(claims.getAudience()).containsExactly(tokenUri());
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
        .isEqualTo(Duration.ofHours(1));
    // a key of another account does not verify it: the check can fail
    TestKeys other = new TestKeys();
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) other.pair.getPublic()))).isFalse();
  }

  @Test
  void theTokenIsCachedUntilShortlyBeforeItExpires() {
    AccessTokens tokens = tokens();
    assertThat(await(tokens)).isEqualTo("ya29.token-1");
    clock.advance(Duration.ofMinutes(30));
    assertThat(await(tokens)).isEqualTo("ya29.token-1");
    assertThat(exchanges).hasValue(1);
    clock.advance(Duration.ofSeconds(1730)); // 3530 s in: still more than a minute before expiry (3599 s)
    assertThat(await(tokens)).isEqualTo("ya29.token-1");
    assertThat(exchanges).hasValue(1);
    clock.advance(Duration.ofSeconds(40)); // 3570 s in: inside the last minute
    assertThat(await(tokens)).isEqualTo("ya29.token-2");
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void callersDuringAnExchangeShareIt() {
    delayMs = 200;
    AccessTokens tokens = tokens();
    Future<String> first = future(tokens);
    Future<String> second = future(tokens);
    assertThat(first.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join())
        .isEqualTo("ya29.token-1");
    assertThat(second.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join())
        .isEqualTo("ya29.token-1");
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void aRefusedExchangeIsA401WithoutSecretsAndIsRetriedNextTime() {
    failWith.set("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
    AccessTokens tokens = tokens();
    assertThatThrownBy(() -> await(tokens)).hasCauseInstanceOf(UpstreamException.class).cause()
        .satisfies(e -> {
          UpstreamException u = (UpstreamException) e;
          assertThat(u.status()).isEqualTo(401);
          String body = u.errorBody().toString();
          assertThat(body).contains("invalid_grant").contains("Invalid JWT Signature.").contains("vtx")
              .doesNotContain(assertions.getFirst()).doesNotContain("PRIVATE KEY")
              .doesNotContain(assertions.getFirst().substring(assertions.getFirst().lastIndexOf('.') + 1));
          assertThat(u.errorBody().path("error").path("type").asText()).isEqualTo("authentication_error");
        });
    failWith.set(null);
    assertThat(await(tokens)).isEqualTo("ya29.token-2");
  }

  @Test
  void anUnreachableTokenEndpointIsA502() {
    AccessTokens tokens = new AccessTokens(client, KEYS.account("http://127.0.0.1:1/token"), "vtx", clock,
        Duration.ofSeconds(2));
    assertThatThrownBy(() -> await(tokens)).cause().isInstanceOfSatisfying(UpstreamException.class,
        u -> assertThat(u.status()).isEqualTo(502));
  }

  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
