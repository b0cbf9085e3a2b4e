package io.switchboard.provider.cohere;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.stream.ChatChunks;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.StreamFailure;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cohere v2 chat stream events to OpenAI {@code chat.completion.chunk} objects. One instance per stream;
 * all state is in the fields below. Events we don't know (citations, debug, later additions) produce
 * nothing. Failures are {@link StreamFailure}s.
 */
public final class CohereStreamMapper {
  private final boolean includeUsage;
  private final String model;

  private String id;
  private final long created = Instant.now().getEpochSecond();
  private boolean started;
  private boolean ended;
  /** Cohere content index to whether that part is thinking (reasoning) rather than text. */
  private final Map<Integer, Boolean> thinking = new HashMap<>();
  /** Cohere tool call index to OpenAI's, counted from 0 in order of appearance. */
  private final Map<Integer, ToolCall> toolCalls = new HashMap<>();

  private static final class ToolCall {
    final int index;
    final StringBuilder arguments = new StringBuilder();

    ToolCall(int index) {
      this.index = index;
    }
  }

  /** {@code model}: Cohere's stream does not name it, so the routed model is used. */
  public CohereStreamMapper(String model, boolean includeUsage) {
    this.model = requireNonNull(model, "model");
    this.includeUsage = includeUsage;
  }

  public List<ObjectNode> onEvent(SseEvent event) {
    requireNonNull(event, "event");
    if ("[DONE]".equals(event.data())) {
      return List.of(); // not sent by Cohere today, but harmless if a proxy adds it
    }
    JsonNode data = parse(event.data());
    String type = data.path("type").asText(event.event() == null ? "" : event.event());
    JsonNode delta = data.path("delta");
    int index = data.path("index").asInt();
    return switch (type) {
      case "message-start" -> messageStart(data);
      case "content-start" -> contentStart(index, delta.path("message").path("content"));
      case "content-delta" -> contentDelta(index, delta.path("message").path("content"));
      case "tool-plan-delta" -> textChunk("reasoning_content", delta.path("message").path("tool_plan").asText(""));
      case "tool-call-start" -> toolCallStart(index, delta.path("message").path("tool_calls"));
      case "tool-call-delta" -> toolCallDelta(index,
          delta.path("message").path("tool_calls").path("function").path("arguments").asText(""));
      case "tool-call-end" -> toolCallEnd(index);
      case "message-end" -> messageEnd(delta);
      default -> List.of(); // content-end, citation-start/end, debug, and types added after this was written
    };
  }

  /** The upstream stream ended; one cut before message-end must not look like a complete answer. */
  public List<ObjectNode> onEnd() {
    if (!ended) {
      throw StreamFailure.of("The Cohere stream ended before message-end.", "api_error", "upstream_stream_truncated");
    }
    return List.of();
  }

  private List<ObjectNode> messageStart(JsonNode data) {
    id = data.path("id").asText(id == null ? "" : id);
    started = true;
    ObjectNode chunk = chunk();
    delta(chunk).put("role", "assistant").put("content", "");
    return List.of(chunk);
  }

  private List<ObjectNode> contentStart(int index, JsonNode content) {
    boolean isThinking = "thinking".equals(content.path("type").asText());
    thinking.put(index, isThinking);
    return isThinking ? textChunk("reasoning_content", content.path("thinking").asText(""))
        : textChunk("content", content.path("text").asText(""));
  }

  private List<ObjectNode> contentDelta(int index, JsonNode content) {
    if (content.has("thinking") || thinking.getOrDefault(index, false)) {
      return textChunk("reasoning_content", content.path("thinking").asText(""));
    }
    return textChunk("content", content.path("text").asText(""));
  }

  private List<ObjectNode> toolCallStart(int index, JsonNode call) {
    ToolCall state = new ToolCall(toolCalls.size());
    toolCalls.put(index, state);
    ObjectNode chunk = chunk();
    ObjectNode toolCall = delta(chunk).putArray("tool_calls").addObject();
    toolCall.put("index", state.index);
    toolCall.put("id", call.path("id").asText());
    toolCall.put("type", "function");
    String arguments = call.path("function").path("arguments").asText("");
    toolCall.putObject("function").put("name", call.path("function").path("name").asText()).put("arguments", "");
    List<ObjectNode> out = new java.util.ArrayList<>(List.of(chunk));
    out.addAll(toolCallDelta(index, arguments));
    return out;
  }

  private List<ObjectNode> toolCallDelta(int index, String arguments) {
    ToolCall call = toolCalls.get(index);
    if (call == null || arguments.isEmpty()) {
      return List.of();
    }
    call.arguments.append(arguments);
    return List.of(argumentsChunk(call, arguments));
  }

  private List<ObjectNode> toolCallEnd(int index) {
    ToolCall call = toolCalls.get(index);
    if (call != null && call.arguments.toString().isBlank()) {
      // A tool without parameters streams no arguments; clients JSON-parse them, so send "{}".
      call.arguments.append("{}");
      return List.of(argumentsChunk(call, "{}"));
    }
    return List.of();
  }

  private List<ObjectNode> messageEnd(JsonNode delta) {
    String reason = delta.path("finish_reason").asText("");
    if (CohereResponseMapper.failed(reason)) {
      String detail = delta.path("error").asText("");
      throw new StreamFailure(OpenAiErrors.body(
          "Cohere ended the generation with " + reason + (detail.isEmpty() ? "" : ": " + detail),
          reason.equals("TIMEOUT") ? "timeout_error" : "api_error", null, "upstream_generation_" + reason.toLowerCase(
              java.util.Locale.ROOT)), reason.equals("TIMEOUT") ? 504 : 502);
    }
    ended = true;
    ObjectNode chunk = chunk();
    delta(chunk);
    ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", CohereResponseMapper.finishReason(reason));
    if (!includeUsage) {
      return List.of(chunk);
    }
    ObjectNode usage = header();
    usage.putArray("choices");
    usage.set("usage", CohereUsage.from(delta.get("usage")).toOpenAi());
    return List.of(chunk, usage);
  }

  private List<ObjectNode> textChunk(String field, String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    ObjectNode chunk = chunk();
    delta(chunk).put(field, text);
    return List.of(chunk);
  }

  private ObjectNode argumentsChunk(ToolCall call, String arguments) {
    ObjectNode chunk = chunk();
    ObjectNode toolCall = delta(chunk).putArray("tool_calls").addObject();
    toolCall.put("index", call.index);
    toolCall.putObject("function").put("arguments", arguments);
    return chunk;
  }

  private ObjectNode header() {
    return ChatChunks.header(id == null ? "" : id, created, model);
  }

  /** A chunk with one choice whose delta is still empty. */
  private ObjectNode chunk() {
    if (!started) {
      throw StreamFailure.of("The Cohere stream did not begin with message-start.", "api_error",
          "bad_upstream_event");
    }
    return ChatChunks.chunk(id == null ? "" : id, created, model, 0, includeUsage);
  }

  private static ObjectNode delta(ObjectNode chunk) {
    return ChatChunks.delta(chunk);
  }

  private static JsonNode parse(String data) {
    try {
      JsonNode node = Json.parse(data);
      if (node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // fall through: the frame is not an event we can read
    }
    throw StreamFailure.of("Cohere sent a stream event that is not a JSON object.", "api_error",
        "bad_upstream_event");
  }
}
