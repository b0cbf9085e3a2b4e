package io.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.Operation;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/** ApiHandler's package-private request steps, for the JMH benchmarks in {@code io.switchboard.bench}. */
public final class ApiHandlerAccess {
  private ApiHandlerAccess() {}

  public static ObjectNode parseBody(Buffer bytes, Operation operation) {
    return ApiHandler.parseBody(bytes, operation);
  }

  public static Map<String, String> metadata(String header) {
    return ApiHandler.metadata(header);
  }
}
