package io.switchboard.plugin.logging;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * Roughly how many bytes a request held for its row keeps alive, to bound what waits for the
 * {@link RowPreparer}. Read on the event loop, so never by serialising: a length or a header where there is
 * one, else a walk over the tree that gives up early (a tree too big to measure counts as {@link #BIG}).
 */
final class BodySize {
  /** What a tree of more than {@link #MAX_NODES} nodes counts as: more than any queue holds beside it. */
  static final long BIG = Long.MAX_VALUE / 4;
  static final int MAX_NODES = 10_000;

  private BodySize() {}

  /** The request body: the client's {@code content-length} when it sent one, else the tree's estimate. */
  static long request(Exchange exchange) {
    if (exchange.body().isEmpty()) {
      return 0;  // refused before it was parsed: nothing is held
    }
    String length = exchange.requestHeaders().get("content-length");
    if (length != null) {
      try {
        long declared = Long.parseLong(length.trim());
        if (declared > 0) {
          return declared;
        }
      } catch (NumberFormatException e) {
        // fall through to the estimate
      }
    }
    return tree(exchange.body());
  }

  /** The answer: its bytes, or the assembled stream's tree. */
  static long answer(Finish finish) {
    Buffer bytes = finish.responseBytes();
    if (bytes != null) {
      return bytes.length();
    }
    JsonNode response = finish.response();  // no bytes: this is the assembled tree, not a parse
    return response == null ? 0 : tree(response);
  }

  /** Text lengths plus a little per node; {@link #BIG} past {@link #MAX_NODES} nodes. */
  static long tree(JsonNode root) {
    ArrayDeque<JsonNode> todo = new ArrayDeque<>();
    todo.push(root);
    long bytes = 0;
    int nodes = 0;
    while (!todo.isEmpty()) {
      if (++nodes > MAX_NODES) {
        return BIG;
      }
      JsonNode node = todo.pop();
      if (node.isTextual()) {
        bytes += node.textValue().length() + 2;
      } else if (node.isObject()) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          bytes += e.getKey().length() + 4;
          todo.push(e.getValue());
        }
      } else if (node.isArray()) {
        for (JsonNode item : node) {
          todo.push(item);
        }
      } else {
        bytes += 8;
      }
    }
    return bytes;
  }
}
