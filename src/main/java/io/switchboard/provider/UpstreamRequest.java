package io.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;

/**
 * What one attempt sends: the client's request as a JSON tree, the model this target is asked for,
 * and the client's original bytes, which a passthrough provider forwards untouched when the model
 * needs no rewrite.
 */
public record UpstreamRequest(ObjectNode body, Buffer originalBytes, String model, boolean stream, String requestId) {

  /** The bytes to forward to an OpenAI-compatible upstream: the original ones unless the model changes. */
  public Buffer passthroughBytes() {
    if (originalBytes != null && model.equals(body.path("model").asText())) {
      return originalBytes;
    }
    ObjectNode copy = body.deepCopy();
    copy.put("model", model);
    return Json.buffer(copy);
  }
}
