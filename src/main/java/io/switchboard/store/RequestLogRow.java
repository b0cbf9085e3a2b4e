package io.switchboard.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One row of the request log: one request through the gateway. Nullable fields are unknown or not
 * applicable (no stream, no usage, no price). {@code keyId} is the key's id, never the secret; {@code userId} the end user the client named; bodies are
 * present only when the logger was asked to include them and are already redacted.
 */
public record RequestLogRow(
    Instant time,
    String requestId,
    String keyId,
    String userId,
    String modelRequested,
    String modelServed,
    String provider,
    String target,
    int status,
    long latencyMs,
    Long ttftMs,
    Long tokensIn,
    Long tokensOut,
    Long tokensCached,
    Double costUsd,
    int attempts,
    String errorType,
    String requestBody,
    String responseBody) {

  public RequestLogRow {
    requireNonNull(time, "time");
  }

  /** This row with these bodies (already redacted and cut). */
  public RequestLogRow withBodies(String requestBody, String responseBody) {
    return new RequestLogRow(time, requestId, keyId, userId, modelRequested, modelServed, provider, target, status,
        latencyMs, ttftMs, tokensIn, tokensOut, tokensCached, costUsd, attempts, errorType, requestBody, responseBody);
  }
}
