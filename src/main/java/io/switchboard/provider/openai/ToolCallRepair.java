package io.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.stream.SseEncoder;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.SseEventTransformer;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Some OpenAI-compatible servers (Mistral's API) send tool calls without {@code "type":"function"}, and stream
 * them without each call's {@code index}. The official SDKs then cannot read the call as a function call, nor
 * merge the deltas of a stream. This adds what is missing and leaves everything else as it came; an answer
 * with nothing to add keeps its bytes.
 */
final class ToolCallRepair {
  private ToolCallRepair() {}

  static Buffer complete(Buffer body) {
    JsonNode root = Json.parseOrNull(body);
    if (root == null) {
      return body;
    }
    boolean changed = false;
    for (JsonNode choice : root.path("choices")) {
      for (JsonNode call : choice.path("message").path("tool_calls")) {
        changed |= addType(call);
      }
    }
    return changed ? Json.buffer(root) : body;
  }

  private static boolean addType(JsonNode call) {
    if (call instanceof ObjectNode o && !o.has("type") && o.has("function")) {
      o.put("type", "function");
      return true;
    }
    return false;
  }

  /** A stream's tool-call deltas numbered per choice: a new call id takes the next index, others continue the last. */
  static final class Stream extends SseEventTransformer {
    private final Map<Integer, List<String>> idsByChoice = new HashMap<>();

    @Override
    protected void onEvent(SseEvent event) {
      JsonNode chunk = "[DONE]".equals(event.data()) ? null : Json.parseOrNull(Buffer.buffer(event.data()));
      boolean changed = false;
      if (chunk != null) {
        for (JsonNode choice : chunk.path("choices")) {
          List<String> ids = idsByChoice.computeIfAbsent(choice.path("index").asInt(0), i -> new ArrayList<>());
          for (JsonNode call : choice.path("delta").path("tool_calls")) {
            changed |= number(call, ids);
          }
        }
      }
      if (changed) {
        emit(SseEncoder.data(Json.string(chunk)));
      } else {
        pass(event);
      }
    }

    private static boolean number(JsonNode call, List<String> ids) {
      if (!(call instanceof ObjectNode o) || o.has("index")) {
        return false;
      }
      String id = o.path("id").asText(null);
      int index;
      if (id != null && !ids.contains(id)) {
        ids.add(id);
        index = ids.size() - 1;
      } else {
        index = id != null ? ids.indexOf(id) : Math.max(0, ids.size() - 1);
      }
      o.put("index", index);
      if (id != null) {
        addType(o);
      }
      return true;
    }
  }
}
