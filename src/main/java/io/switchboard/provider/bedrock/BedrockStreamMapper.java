package io.switchboard.provider.bedrock;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.stream.ChatChunks;
import io.switchboard.stream.StreamFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ConverseStream events (already unframed: the event type and its JSON payload) to OpenAI
 * {@code chat.completion.chunk} objects. One instance per stream; all state is in the fields below.
 * Events we don't know produce nothing.
 */
public final class BedrockStreamMapper {
  private final boolean includeUsage;
  private final String id = BedrockResponseMapper.newId();
  private final String model;
  private final long created = Instant.now().getEpochSecond();

  private boolean sentRole;
  private boolean stopped;
  private boolean sentUsage;
  private BedrockUsage usage;
  /** Converse content-block index to OpenAI tool call index; only toolUse blocks get one. */
  private final Map<Integer, ToolCall> toolCalls = new HashMap<>();

  private static final class ToolCall {
    final int index;
    boolean sentArguments;

    ToolCall(int index) {
      this.index = index;
    }
  }

  public BedrockStreamMapper(String model, boolean includeUsage) {
    this.model = requireNonNull(model, "model");
    this.includeUsage = includeUsage;
  }

  public List<ObjectNode> onEvent(String eventType, JsonNode payload) {
    requireNonNull(eventType, "eventType");
    requireNonNull(payload, "payload");
    return switch (eventType) {
      case "messageStart" -> messageStart();
      case "contentBlockStart" -> blockStart(payload.path("contentBlockIndex").asInt(), payload.path("start"));
      case "contentBlockDelta" -> blockDelta(payload.path("contentBlockIndex").asInt(), payload.path("delta"));
      case "contentBlockStop" -> blockStop(payload.path("contentBlockIndex").asInt());
      case "messageStop" -> messageStop(payload.path("stopReason").textValue());
      case "metadata" -> metadata(payload.get("usage"));
      default -> List.of(); // event types added after this was written
    };
  }

  /** The upstream stream ended. A stream cut before messageStop must not look like a complete answer. */
  public List<ObjectNode> onEnd() {
    if (!stopped) {
      throw new StreamFailure(OpenAiErrors.body("The Bedrock stream ended before messageStop.", "api_error",
          null, "upstream_stream_truncated"), 502);
    }
    // metadata normally follows messageStop; without it the usage is still owed, as far as it is known.
    return includeUsage && !sentUsage ? List.of(usageChunk()) : List.of();
  }

  private List<ObjectNode> messageStart() {
    if (sentRole) {
      return List.of();
    }
    ObjectNode chunk = chunk();
    delta(chunk).put("content", "");
    return List.of(chunk);
  }

  private List<ObjectNode> blockStart(int blockIndex, JsonNode start) {
    JsonNode use = start.path("toolUse");
    if (!use.isObject()) {
      return List.of(); // a text or reasoning block says nothing until its deltas
    }
    ToolCall call = new ToolCall(toolCalls.size());
    toolCalls.put(blockIndex, call);
    ObjectNode chunk = chunk();
    ObjectNode toolCall = delta(chunk).putArray("tool_calls").addObject();
    toolCall.put("index", call.index);
    toolCall.put("id", use.path("toolUseId").asText());
    toolCall.put("type", "function");
    ObjectNode function = toolCall.putObject("function");
    function.put("name", use.path("name").asText());
    function.put("arguments", "");
    return List.of(chunk);
  }

  private List<ObjectNode> blockDelta(int blockIndex, JsonNode delta) {
    if (delta.path("text").isTextual()) {
      return textChunk("content", delta.get("text").asText());
    }
    if (delta.path("reasoningContent").path("text").isTextual()) {
      return textChunk("reasoning_content", delta.get("reasoningContent").get("text").asText());
    }
    if (delta.path("toolUse").isObject()) {
      ToolCall call = toolCalls.get(blockIndex);
      String partial = delta.get("toolUse").path("input").asText("");
      if (call == null || partial.isEmpty()) {
        return List.of();
      }
      call.sentArguments = true;
      return List.of(argumentsChunk(call, partial));
    }
    return List.of(); // reasoning signatures, citations, ...
  }

  private List<ObjectNode> blockStop(int blockIndex) {
    ToolCall call = toolCalls.get(blockIndex);
    if (call != null && !call.sentArguments) {
      // A tool without parameters streams no input at all; clients JSON-parse arguments, so send "{}".
      call.sentArguments = true;
      return List.of(argumentsChunk(call, "{}"));
    }
    return List.of();
  }

  private List<ObjectNode> messageStop(String stopReason) {
    stopped = true;
    List<ObjectNode> out = new ArrayList<>(2);
    ObjectNode chunk = chunk();
    String finish = BedrockResponseMapper.finishReason(stopReason);
    ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", finish == null ? "stop" : finish);
    out.add(chunk);
    if (includeUsage && usage != null) {
      out.add(usageChunk()); // metadata came first
    }
    return out;
  }

  private List<ObjectNode> metadata(JsonNode usageNode) {
    usage = BedrockUsage.from(usageNode);
    if (includeUsage && stopped && !sentUsage) {
      return List.of(usageChunk());
    }
    return List.of();
  }

  private ObjectNode usageChunk() {
    sentUsage = true;
    ObjectNode chunk = header();
    chunk.putArray("choices");
    chunk.set("usage", (usage == null ? BedrockUsage.ZERO : usage).toOpenAi());
    return chunk;
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
    return ChatChunks.header(id, created, model);
  }

  /** A chunk with one choice; the first chunk of the stream also carries the assistant role. */
  private ObjectNode chunk() {
    ObjectNode chunk = ChatChunks.chunk(id, created, model, 0, includeUsage);
    if (!sentRole) {
      delta(chunk).put("role", "assistant");
      sentRole = true;
    }
    return chunk;
  }

  private static ObjectNode delta(ObjectNode chunk) {
    return ChatChunks.delta(chunk);
  }
}
