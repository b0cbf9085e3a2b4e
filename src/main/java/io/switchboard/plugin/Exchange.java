package io.switchboard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.Operation;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.Map;

/**
 * One request as plugins see it: before the upstream call they may read and change the body (a guardrail
 * redacting, a transform adding a parameter), and at any time add response headers or leave notes for
 * plugins further down the chain. Who is calling is known by a key id and a user, never by the secret.
 */
public final class Exchange {
  /** The key id of a request that carried no credential. */
  public static final String ANONYMOUS = "anonymous";
  /** A request header naming the end user, for per-user limits; the body's {@code user} field is the fallback. */
  public static final String USER_HEADER = "x-switchboard-user";

  private final String requestId;
  private final Operation operation;
  private final ObjectNode body;
  private final Map<String, String> metadata;
  private final MultiMap requestHeaders;
  private final MultiMap responseHeaders;
  private final long startNanos;
  private String keyId;
  private Map<String, Object> attributes;  // made on first use: most requests never need it

  public Exchange(String requestId, Operation operation, ObjectNode body, Map<String, String> metadata,
      MultiMap requestHeaders, MultiMap responseHeaders, long startNanos) {
    this.requestId = requestId;
    this.operation = operation;
    this.body = body;
    this.metadata = metadata;  // already immutable or private to this request
    this.requestHeaders = requestHeaders;
    this.responseHeaders = responseHeaders;
    this.startNanos = startNanos;
  }

  public String requestId() {
    return requestId;
  }

  public Operation operation() {
    return operation;
  }

  /** The request body; changes made before {@code proceed} are what the upstream gets. */
  public ObjectNode body() {
    return body;
  }

  public String model() {
    return body.path("model").asText();
  }

  public boolean stream() {
    return body.path("stream").asBoolean(false);
  }

  /** The {@code x-switchboard-metadata} header's entries. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The client's request headers, read-only by convention (credentials included: never log them). */
  public MultiMap requestHeaders() {
    return requestHeaders;
  }

  /** Headers the client's answer will carry (rate-limit state, cache status, ...). */
  public MultiMap responseHeaders() {
    return responseHeaders;
  }

  /** {@link System#nanoTime()} when the request arrived. */
  public long startNanos() {
    return startNanos;
  }

  /**
   * Who is calling, without the secret: {@code key-} and the first 16 hex digits of the SHA-256 of the
   * credential the client sent (bearer token, {@code x-api-key} or {@code api-key}), or {@link #ANONYMOUS}.
   * The same key always gets the same id, on every replica.
   */
  public String keyId() {
    if (keyId == null) {
      keyId = keyId(credential(requestHeaders));
    }
    return keyId;
  }

  /** The end user: the {@code x-switchboard-user} header, else the body's {@code user} field, else null. */
  public String user() {
    String header = requestHeaders.get(USER_HEADER);
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    JsonNode user = body.get("user");
    return user != null && user.isTextual() && !user.asText().isBlank() ? user.asText() : null;
  }

  /** Notes between plugins of one request (a cache key computed before, used after). */
  public Map<String, Object> attributes() {
    if (attributes == null) {
      attributes = new HashMap<>();
    }
    return attributes;
  }

  static String credential(MultiMap headers) {
    String authorization = headers.get("authorization");
    if (authorization != null) {
      String value = authorization.trim();
      if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        value = value.substring(7).trim();
      }
      if (!value.isEmpty()) {
        return value;
      }
    }
    String key = headers.get("x-api-key");
    if (key == null || key.isBlank()) {
      key = headers.get("api-key");
    }
    return key == null || key.isBlank() ? null : key.trim();
  }

  /** The id of a credential; public so the admin side and tests derive the same id. */
  public static String keyId(String credential) {
    if (credential == null) {
      return ANONYMOUS;
    }
    return "key-" + Sha256.hex(credential, 8);
  }
}
