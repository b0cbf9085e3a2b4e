package io.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.provider.UpstreamErrors;
import io.switchboard.provider.UpstreamException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * OAuth2 access tokens for a service account (RFC 7523): an RS256-signed JWT assertion exchanged at the
 * account's {@code token_uri}, without blocking. A token is reused until a minute before it expires, and
 * callers that arrive while one exchange is running share it. Tokens and keys never reach errors or logs.
 */
public final class AccessTokens implements TokenSupply {
  static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final Duration LIFETIME = Duration.ofHours(1);
  /** Refresh this long before expiry, so no request leaves with a token that expires on the way. */
  static final Duration MARGIN = Duration.ofSeconds(60);

  private final HttpClient client;
  private final ServiceAccount account;
  private final String providerKey;
  private final Clock clock;
  private final Duration timeout;

  private String token;
  private Instant expiresAt = Instant.MIN;
  private Future<String> inFlight;

  public AccessTokens(HttpClient client, ServiceAccount account, String providerKey, Clock clock, Duration timeout) {
    this.client = client;
    this.account = account;
    this.providerKey = providerKey;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** A valid access token: the cached one, the exchange under way, or a new exchange. */
  @Override
  public synchronized Future<String> token() {
    if (token != null && clock.instant().isBefore(expiresAt.minus(MARGIN))) {
      return Future.succeededFuture(token);
    }
    if (inFlight == null) {
      Future<String> exchange = exchange();
      inFlight = exchange;
      exchange.onComplete(ar -> done(exchange));
    }
    return onCallersContext(inFlight);
  }

  /**
   * The exchange completes on the event loop that started it; a request from another event loop must go on
   * with its own, so the result is handed back there.
   */
  static Future<String> onCallersContext(Future<String> shared) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return shared;
    }
    Promise<String> mine = Promise.promise();
    shared.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        mine.handle(ar);
      } else {
        context.runOnContext(v -> mine.handle(ar));
      }
    });
    return mine.future();
  }

  private synchronized void done(Future<String> exchange) {
    if (inFlight == exchange) {
      inFlight = null;
    }
  }

  private synchronized void store(String token, Instant expiresAt) {
    this.token = token;
    this.expiresAt = expiresAt;
  }

  /** The signed assertion for one exchange. */
  String assertion(Instant now) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(account.clientEmail())
        .claim("scope", SCOPE)
        .audience(account.tokenUri())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(LIFETIME)))
        .build();
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
        .keyID(account.privateKeyId()).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new RSASSASigner(account.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing the token request failed: " + e.getClass().getSimpleName());
    }
    return jwt.serialize();
  }

  private Future<String> exchange() {
    Instant now = clock.instant();
    String form;
    try {
      form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8) + "&assertion=" + assertion(now);
    } catch (IllegalStateException e) {
      return Future.failedFuture(failure(502, e.getMessage()));
    }
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(account.tokenUri())
        .setConnectTimeout(timeout.toMillis())
        .setIdleTimeout(timeout.toMillis())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded")
        .putHeader(HttpHeaders.ACCEPT, "application/json");
    Promise<String> result = Promise.promise();
    client.request(options)
        .compose(request -> request.send(Buffer.buffer(form)))
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body)))
        .onComplete(ar -> {
          if (ar.failed()) {
            String detail = ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage();
            result.fail(failure(502, "the token endpoint could not be reached: " + detail));
            return;
          }
          Answer answer = ar.result();
          JsonNode json = Json.parseOrNull(answer.body);
          if (answer.status != 200) {
            result.fail(rejected(answer.status, json));
            return;
          }
          String accessToken = json == null ? "" : json.path("access_token").asText("");
          if (accessToken.isEmpty()) {
            result.fail(failure(502, "the token endpoint answered without an access_token"));
            return;
          }
          long seconds = json.path("expires_in").asLong(LIFETIME.toSeconds());
          store(accessToken, now.plusSeconds(seconds));
          result.complete(accessToken);
        });
    return result.future();
  }

  private record Answer(int status, Buffer body) {}

  /** Google names the reason (invalid_grant, unauthorized_client) and describes it; neither is secret. */
  private UpstreamException rejected(int status, JsonNode json) {
    String reason = json == null ? "" : json.path("error").asText("");
    String description = json == null ? "" : json.path("error_description").asText("");
    description = description.length() > 200 ? description.substring(0, 200) + "..." : description;
    String detail = "the token endpoint refused the service account " + account.clientEmail() + " (HTTP " + status
        + (reason.isEmpty() ? "" : ", " + reason) + (description.isEmpty() ? "" : ": " + description) + ")";
    return failure(status >= 500 ? 502 : 401, UpstreamErrors.redact(detail, null));
  }

  private UpstreamException failure(int status, String detail) {
    return failure(providerKey, status, detail);
  }

  /** The OpenAI-shaped error of a request that could not get a token; {@code detail} must hold no secret. */
  static UpstreamException failure(String providerKey, int status, String detail) {
    String message = "Could not get a Vertex AI access token for provider " + providerKey + ": " + detail;
    return new UpstreamException(UpstreamException.Kind.STATUS, status, OpenAiErrors.body(message,
        status == 401 ? "authentication_error" : "api_error", null, "upstream_auth_failed"), null);
  }
}
