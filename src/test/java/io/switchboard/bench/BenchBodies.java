package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.RecordedTraffic;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Request bodies and recorded fixtures shared by the JMH benchmarks. */
final class BenchBodies {
  /** bench/post.lua's body, byte for byte: what the load tests send. */
  static final String SMALL = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a "
      + "helpful assistant.\"},{\"role\":\"user\",\"content\":\"Hello! Say hi back.\"}],\"temperature\":0.2,"
      + "\"max_tokens\":64}";

  private static final String PROSE = "The quarterly report shows steady growth in the northern region, while "
      + "the southern stores still lag behind last year's numbers by a small margin. ";

  private BenchBodies() {}

  /** {@code small} (post.lua, 177 B) or {@code large} (about 20 KB: 8 turns with tool calls, 4 tools). */
  static Buffer request(String size) {
    return switch (size) {
      case "small" -> Buffer.buffer(SMALL.getBytes(StandardCharsets.UTF_8));
      case "large" -> Json.buffer(large());
      default -> throw new IllegalArgumentException("size: " + size + " (expected: small, large)");
    };
  }

  /** A recorded fixture under src/test/resources. */
  static Buffer fixture(String path) {
    return RecordedTraffic.bytes(path);
  }

  private static ObjectNode large() {
    ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("temperature", 0.3).put("max_tokens", 1024);
    ArrayNode tools = body.putArray("tools");
    for (String name : new String[] {"search_orders", "get_store_report", "lookup_customer", "create_ticket"}) {
      ObjectNode fn = tools.addObject().put("type", "function").putObject("function")
          .put("name", name).put("description", "Looks things up for the " + name.replace('_', ' ') + " step. "
              + "Returns JSON; fails with an error object when nothing matches.");
      ObjectNode params = fn.putObject("parameters").put("type", "object");
      ObjectNode props = params.putObject("properties");
      props.putObject("query").put("type", "string").put("description", "Free text, as the user said it.");
      props.putObject("region").put("type", "string").putArray("enum").add("north").add("south").add("east")
          .add("west");
      props.putObject("limit").put("type", "integer").put("minimum", 1).put("maximum", 100);
      params.putArray("required").add("query");
    }
    body.put("tool_choice", "auto");
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content",
        "You are the operations assistant of a retail chain. Use the tools when the user asks about data. "
            + PROSE.repeat(4));
    for (int turn = 0; turn < 8; turn++) {
      messages.addObject().put("role", "user").put("content", "Turn " + turn + ": " + PROSE.repeat(4)
          + "What do the orders for the south say?");
      String callId = "call_" + turn + "abcdefghijklmnop";
      ObjectNode call = messages.addObject().put("role", "assistant").putNull("content")
          .putArray("tool_calls").addObject().put("id", callId).put("type", "function");
      call.putObject("function").put("name", "search_orders")
          .put("arguments", "{\"query\":\"orders in turn " + turn + "\",\"region\":\"south\",\"limit\":20}");
      messages.addObject().put("role", "tool").put("tool_call_id", callId).put("content",
          "{\"orders\":[" + "{\"id\":\"ord_1234\",\"total\":129.5,\"status\":\"shipped\"},".repeat(12)
              + "{\"id\":\"ord_9999\",\"total\":1.0,\"status\":\"open\"}]}");
      messages.addObject().put("role", "assistant").put("content", PROSE.repeat(3));
    }
    messages.addObject().put("role", "user").put("content", "Summarise all of that in three bullet points.");
    return body;
  }
}
