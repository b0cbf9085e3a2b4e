package io.switchboard.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Rebuilds the {@code chat.completion} a stream of {@code chat.completion.chunk} events amounts to: text,
 * refusal and reasoning concatenated, tool calls merged by index, finish reasons and usage kept. What
 * plugins that act after a request (logging, budgets, caching) need from a stream, without holding it up.
 * Feed it the SSE bytes as they pass ({@link #feed}); it never changes them.
 */
public final class ChatStreamAssembler {
  private final SseDecoder decoder = new SseDecoder(this::onEvent);
  private final TreeMap<Integer, Choice> choices = new TreeMap<>();
  private String id;
  private String model;
  private long created;
  private String systemFingerprint;
  private JsonNode usage;
  private JsonNode error;
  private boolean done;

  /** Takes bytes of the OpenAI SSE stream exactly as they go to the client. */
  public void feed(Buffer bytes) {
    decoder.feed(bytes);
  }

  /** Marks the end of the bytes (a final event without its blank line is still read). */
  public void end() {
    decoder.end();
  }

  /** True once {@code data: [DONE]} was seen: the stream completed. */
  public boolean done() {
    return done;
  }

  /** The stream's usage chunk, or null (the client did not ask for {@code include_usage}). */
  public JsonNode usage() {
    return usage;
  }

  /** The error event that ended the stream, or null. */
  public JsonNode error() {
    return error;
  }

  /** The {@code chat.completion} the chunks so far add up to. */
  public ObjectNode completion() {
    ObjectNode out = Json.object();
    out.put("id", id).put("object", "chat.completion").put("created", created).put("model", model);
    if (systemFingerprint != null) {
      out.put("system_fingerprint", systemFingerprint);
    }
    ArrayNode list = out.putArray("choices");
    choices.forEach((index, c) -> list.add(c.toJson(index)));
    if (usage != null) {
      out.set("usage", usage.deepCopy());
    }
    return out;
  }

  private void onEvent(SseEvent event) {
    String data = event.data().strip();
    if (data.equals("[DONE]")) {
      markDone();
    } else {
      add(Json.parseOrNull(data));
    }
  }

  /** The {@code [DONE]} event. */
  void markDone() {
    done = true;
  }

  /** Any other event, its data parsed (null when it is not JSON): for a reader that parsed it already. */
  void add(JsonNode chunk) {
    if (chunk == null || !chunk.isObject()) {
      return;  // not ours to judge: the bytes went to the client unchanged
    }
    if (chunk.has("error")) {
      error = chunk.get("error");
      return;
    }
    if (id == null && chunk.path("id").isTextual()) {
      id = chunk.get("id").asText();
      model = chunk.path("model").asText(null);
      created = chunk.path("created").asLong();
    }
    if (chunk.path("system_fingerprint").isTextual()) {
      systemFingerprint = chunk.get("system_fingerprint").asText();
    }
    if (chunk.path("usage").isObject()) {
      usage = chunk.get("usage");
    }
    for (JsonNode c : chunk.path("choices")) {
      choices.computeIfAbsent(c.path("index").asInt(0), i -> new Choice()).add(c);
    }
  }

  /** One choice being rebuilt. */
  private static final class Choice {
    private String role = "assistant";
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private boolean sawContent;
    private boolean sawRefusal;
    private final TreeMap<Integer, ToolCall> toolCalls = new TreeMap<>();
    private String finishReason;

    void add(JsonNode choice) {
      JsonNode delta = choice.path("delta");
      if (delta.path("role").isTextual()) {
        role = delta.get("role").asText();
      }
      if (delta.path("content").isTextual()) {
        sawContent = true;
        content.append(delta.get("content").asText());
      }
      if (delta.path("refusal").isTextual() && !delta.get("refusal").asText().isEmpty()) {
        sawRefusal = true;
        refusal.append(delta.get("refusal").asText());
      }
      if (delta.path("reasoning_content").isTextual()) {
        reasoning.append(delta.get("reasoning_content").asText());
      }
      for (JsonNode call : delta.path("tool_calls")) {
        toolCalls.computeIfAbsent(call.path("index").asInt(0), i -> new ToolCall()).add(call);
      }
      if (choice.path("finish_reason").isTextual()) {
        finishReason = choice.get("finish_reason").asText();
      }
    }

    ObjectNode toJson(int index) {
      ObjectNode out = Json.object().put("index", index);
      ObjectNode message = out.putObject("message").put("role", role);
      if (sawContent) {
        message.put("content", content.toString());
      } else {
        message.putNull("content");
      }
      if (sawRefusal) {
        message.put("refusal", refusal.toString());
      } else {
        message.putNull("refusal");
      }
      if (!reasoning.isEmpty()) {
        message.put("reasoning_content", reasoning.toString());
      }
      if (!toolCalls.isEmpty()) {
        ArrayNode calls = message.putArray("tool_calls");
        toolCalls.values().forEach(t -> calls.add(t.toJson()));
      }
      out.putNull("logprobs");
      if (finishReason == null) {
        out.putNull("finish_reason");
      } else {
        out.put("finish_reason", finishReason);
      }
      return out;
    }
  }

  /** One tool call: id, type and name arrive once, the arguments in pieces. */
  private static final class ToolCall {
    private String id;
    private String type = "function";
    private String name;
    private final List<String> arguments = new ArrayList<>();

    void add(JsonNode call) {
      if (call.path("id").isTextual()) {
        id = call.get("id").asText();
      }
      if (call.path("type").isTextual()) {
        type = call.get("type").asText();
      }
      JsonNode function = call.path("function");
      if (function.path("name").isTextual()) {
        name = function.get("name").asText();
      }
      if (function.path("arguments").isTextual()) {
        arguments.add(function.get("arguments").asText());
      }
    }

    ObjectNode toJson() {
      ObjectNode out = Json.object().put("id", id).put("type", type);
      out.putObject("function").put("name", name).put("arguments", String.join("", arguments));
      return out;
    }
  }
}
