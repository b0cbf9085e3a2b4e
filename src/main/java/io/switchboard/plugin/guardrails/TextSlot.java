package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.provider.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * One piece of text in a request or an answer that a guardrail reads and may rewrite in place: where it
 * is ({@code path}, e.g. {@code messages[1].content}), and the container holding it.
 */
final class TextSlot {
  private final String path;
  private final JsonNode container;
  private final String field;
  private final int index;

  private TextSlot(String path, ObjectNode parent, String field) {
    this.path = path;
    this.container = parent;
    this.field = field;
    this.index = -1;
  }

  private TextSlot(String path, ArrayNode parent, int index) {
    this.path = path;
    this.container = parent;
    this.field = null;
    this.index = index;
  }

  String path() {
    return path;
  }

  String text() {
    return field != null ? container.get(field).asText() : container.get(index).asText();
  }

  void replace(String text) {
    if (field != null) {
      ((ObjectNode) container).put(field, text);
    } else {
      ((ArrayNode) container).set(index, TextNode.valueOf(text));
    }
  }

  /**
   * The text a request carries: chat message contents (strings and text parts), a completion's prompt
   * (a string or a list of strings), an embedding's input (likewise). Token-id prompts are not text.
   */
  static List<TextSlot> ofRequest(Operation operation, ObjectNode body) {
    List<TextSlot> out = new ArrayList<>();
    switch (operation) {
      case CHAT -> {
        JsonNode messages = body.get("messages");
        if (messages instanceof ArrayNode list) {
          for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof ObjectNode message) {
              content(message, "messages[" + i + "]", out);
            }
          }
        }
      }
      case COMPLETIONS -> strings(body, "prompt", out);
      case EMBEDDINGS -> strings(body, "input", out);
    }
    return out;
  }

  /** The text of a complete answer: each choice's message content (chat) or text (completions). */
  static List<TextSlot> ofAnswer(Operation operation, JsonNode answer) {
    List<TextSlot> out = new ArrayList<>();
    if (operation == Operation.EMBEDDINGS || !(answer.get("choices") instanceof ArrayNode choices)) {
      return out;
    }
    for (int i = 0; i < choices.size(); i++) {
      if (!(choices.get(i) instanceof ObjectNode choice)) {
        continue;
      }
      String at = "choices[" + i + "]";
      if (operation == Operation.CHAT) {
        if (choice.get("message") instanceof ObjectNode message) {
          content(message, at + ".message", out);
        }
      } else if (choice.path("text").isTextual()) {
        out.add(new TextSlot(at + ".text", choice, "text"));
      }
    }
    return out;
  }

  private static void content(ObjectNode message, String at, List<TextSlot> out) {
    JsonNode content = message.get("content");
    if (content == null) {
      return;
    }
    if (content.isTextual()) {
      out.add(new TextSlot(at + ".content", message, "content"));
    } else if (content instanceof ArrayNode parts) {
      for (int j = 0; j < parts.size(); j++) {
        if (parts.get(j) instanceof ObjectNode part && part.path("text").isTextual()) {
          out.add(new TextSlot(at + ".content[" + j + "].text", part, "text"));
        }
      }
    }
  }

  private static void strings(ObjectNode body, String field, List<TextSlot> out) {
    JsonNode value = body.get(field);
    if (value == null) {
      return;
    }
    if (value.isTextual()) {
      out.add(new TextSlot(field, body, field));
    } else if (value instanceof ArrayNode list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).isTextual()) {
          out.add(new TextSlot(field + "[" + i + "]", list, i));
        }
      }
    }
  }
}
