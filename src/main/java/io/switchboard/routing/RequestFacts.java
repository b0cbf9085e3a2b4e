package io.switchboard.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What strategies may look at in a request: the model after aliases, and facts read once from the body
 * and headers. {@code metadata} comes from the JSON object in the {@code x-switchboard-metadata} header.
 */
public record RequestFacts(
    String requestedModel,
    String model,
    boolean stream,
    boolean hasTools,
    String user,
    Map<String, String> metadata,
    ObjectNode body) {

  public RequestFacts {
    metadata = Map.copyOf(metadata);
  }

  /** Facts for a body alone, with no metadata header. */
  public static RequestFacts of(String requestedModel, String model, ObjectNode body) {
    return of(requestedModel, model, body, Map.of());
  }

  /** Facts read from a body and the request's metadata header. */
  public static RequestFacts of(String requestedModel, String model, ObjectNode body, Map<String, String> metadata) {
    return new RequestFacts(requestedModel, model, body.path("stream").asBoolean(false),
        body.path("tools").isArray() && !body.path("tools").isEmpty(),
        body.path("user").isTextual() ? body.path("user").asText() : null, metadata, body);
  }
}
