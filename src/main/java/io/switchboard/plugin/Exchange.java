package io.switchboard.plugin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.Operation;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.Map;

/**
 * One request as plugins see it: before the upstream call they may read and change the body (a guardrail
 * redacting, a transform adding a parameter), and at any time add response headers or leave notes for
 * plugins further down the chain.
 */
public final class Exchange {
  private final String requestId;
  private final Operation operation;
  private final ObjectNode body;
  private final Map<String, String> metadata;
  private final MultiMap responseHeaders;
  private Map<String, Object> attributes;  // made on first use: most requests never need it

  public Exchange(String requestId, Operation operation, ObjectNode body, Map<String, String> metadata,
      MultiMap responseHeaders) {
    this.requestId = requestId;
    this.operation = operation;
    this.body = body;
    this.metadata = metadata;  // already immutable or private to this request
    this.responseHeaders = responseHeaders;
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

  /** Headers the client's answer will carry (rate-limit state, cache status, ...). */
  public MultiMap responseHeaders() {
    return responseHeaders;
  }

  /** Notes between plugins of one request (a cache key computed before, used after). */
  public Map<String, Object> attributes() {
    if (attributes == null) {
      attributes = new HashMap<>();
    }
    return attributes;
  }
}
