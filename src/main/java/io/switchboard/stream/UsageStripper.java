package io.switchboard.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;

/**
 * Takes the usage chunk out of a chat stream whose client did not ask for it. The gateway asks the upstream
 * for usage ({@code stream_options.include_usage}) when a plugin needs it (budgets, token limits, the
 * request log) so that streaming cannot dodge them; the client still gets the stream it asked for. The
 * usage is kept for {@link #usage()}; every other event passes through.
 */
public final class UsageStripper extends SseEventTransformer {
  private JsonNode usage;

  /** The usage the stream reported, or null. */
  public JsonNode usage() {
    return usage;
  }

  @Override
  protected void onEvent(SseEvent event) {
    if (usage == null && event.event() == null && event.data().contains("\"usage\"")) {
      JsonNode chunk = Json.parseOrNull(Buffer.buffer(event.data()));
      if (chunk != null && chunk.path("choices").isArray() && chunk.path("choices").isEmpty()
          && chunk.path("usage").isObject()) {
        usage = chunk.get("usage");
        return;
      }
    }
    pass(event);
  }
}
