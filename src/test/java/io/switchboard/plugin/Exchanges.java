package io.switchboard.plugin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.Operation;
import io.vertx.core.MultiMap;
import java.util.Map;

/** Exchanges for plugin unit tests, without a server. */
public final class Exchanges {
  private Exchanges() {}

  public static Exchange chat(ObjectNode body) {
    return of(Operation.CHAT, body, MultiMap.caseInsensitiveMultiMap());
  }

  /** A chat request for {@code model} with one user message. */
  public static Exchange chat(String model, String userText) {
    ObjectNode body = Json.object().put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", userText);
    return chat(body);
  }

  /** A chat exchange whose client sent {@code Authorization: Bearer <apiKey>} (null: no credential). */
  public static Exchange withKey(ObjectNode body, String apiKey) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (apiKey != null) {
      headers.set("authorization", "Bearer " + apiKey);
    }
    return of(Operation.CHAT, body, headers);
  }

  public static Exchange of(Operation operation, ObjectNode body, MultiMap requestHeaders) {
    return new Exchange("req_test", operation, body, Map.of(), requestHeaders, MultiMap.caseInsensitiveMultiMap(),
        System.nanoTime());
  }
}
