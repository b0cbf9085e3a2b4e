package io.switchboard.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;

/** The {@code chat.completion.chunk} objects a translating provider's stream mapper emits. */
public final class ChatChunks {
  private ChatChunks() {}

  /** A chunk's id, object, created and model, without choices. */
  public static ObjectNode header(String id, long created, String model) {
    ObjectNode chunk = Json.object();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", model);
    return chunk;
  }

  /**
   * A chunk with one choice at {@code index} whose delta is still empty; with {@code includeUsage}, it carries
   * {@code usage: null}, as OpenAI sends on every chunk but the last when asked for usage.
   */
  public static ObjectNode chunk(String id, long created, String model, int index, boolean includeUsage) {
    ObjectNode chunk = header(id, created, model);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", index);
    choice.putObject("delta");
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    if (includeUsage) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  /** The delta of the chunk's first choice. */
  public static ObjectNode delta(ObjectNode chunk) {
    return (ObjectNode) chunk.path("choices").get(0).get("delta");
  }
}
