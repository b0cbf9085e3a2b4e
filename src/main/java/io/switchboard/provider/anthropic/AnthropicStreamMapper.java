package io.switchboard.provider.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.stream.ChatChunks;
import io.switchboard.stream.SseEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Anthropic Messages stream events to OpenAI {@code chat.completion.chunk} objects. One instance per
 * stream; all state is in the fields below. Events we don't know produce nothing.
 */
public final class AnthropicStreamMapper {
  private final boolean includeUsage;

  private String id;
  private String model;
  private long created;
  private AnthropicUsage usage = AnthropicUsage.ZERO;
  private boolean stopped;
  /** Anthropic content-block index to OpenAI tool call index; only client tool_use blocks get one. */
  private final Map<Integer, ToolCall> toolCalls = new HashMap<>();

  private static final class ToolCall {
    final int index;
    boolean sentArguments;

    ToolCall(int index) {
      this.index = index;
    }
  }

  public AnthropicStreamMapper(boolean includeUsage) {
    this.includeUsage = includeUsage;
  }

  public List<ObjectNode> onEvent(SseEvent event) {
    requireNonNull(event, "event");
    JsonNode data = parse(event.data());
    String type = data.path("type").asText(event.event() == null ? "" : event.event());
    return switch (type) {
      case "message_start" -> messageStart(data.path("message"));
      case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"));
      case "content_block_delta" -> blockDelta(data.path("index").asInt(), data.path("delta"));
      case "content_block_stop" -> blockStop(data.path("index").asInt());
      case "message_delta" -> messageDelta(data);
      case "message_stop" -> messageStop();
      case "error" -> throw streamError(data.path("error"));
      default -> List.of(); // ping, and event types added after this was written
    };
  }

  /** The upstream stream ended. A stream cut before message_stop must not look like a complete answer. */
  public List<ObjectNode> onEnd() {
    if (!stopped) {
      throw new AnthropicStreamException(502, OpenAiErrors.body(
          "Anthropic stream ended before message_stop", "api_error", null, "incomplete_stream"));
    }
    return List.of();
  }

  private List<ObjectNode> messageStart(JsonNode message) {
    id = message.path("id").asText();
    model = message.path("model").asText();
    created = Instant.now().getEpochSecond();
    usage = AnthropicUsage.from(message.get("usage"));
    ObjectNode chunk = chunk();
    delta(chunk).put("role", "assistant").put("content", "");
    return List.of(chunk);
  }

  private List<ObjectNode> blockStart(int blockIndex, JsonNode block) {
    switch (block.path("type").asText()) {
      case "text" -> {
        return textChunk("content", block.path("text").asText());
      }
      case "thinking" -> {
        return textChunk("reasoning_content", block.path("thinking").asText());
      }
      case "tool_use" -> {
        ToolCall call = new ToolCall(toolCalls.size());
        toolCalls.put(blockIndex, call);
        ObjectNode chunk = chunk();
        ObjectNode toolCall = delta(chunk).putArray("tool_calls").addObject();
        toolCall.put("index", call.index);
        toolCall.put("id", block.path("id").asText());
        toolCall.put("type", "function");
        ObjectNode function = toolCall.putObject("function");
        function.put("name", block.path("name").asText());
        // Input usually streams as input_json_delta after an empty {}, but may arrive complete here.
        JsonNode input = block.path("input");
        boolean complete = input.isObject() && !input.isEmpty();
        function.put("arguments", complete ? Json.string(input) : "");
        call.sentArguments = complete;
        return List.of(chunk);
      }
      default -> {
        return List.of();
      }
    }
  }

  private List<ObjectNode> blockDelta(int blockIndex, JsonNode delta) {
    return switch (delta.path("type").asText()) {
      case "text_delta" -> textChunk("content", delta.path("text").asText());
      case "thinking_delta" -> textChunk("reasoning_content", delta.path("thinking").asText());
      case "input_json_delta" -> {
        ToolCall call = toolCalls.get(blockIndex);
        String partial = delta.path("partial_json").asText();
        if (call == null || partial.isEmpty()) {
          yield List.of(); // server tool input, or the empty opening delta
        }
        call.sentArguments = true;
        yield List.of(argumentsChunk(call, partial));
      }
      default -> List.of(); // signature_delta, citations_delta, ...
    };
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

  private List<ObjectNode> messageDelta(JsonNode data) {
    usage = usage.updatedBy(data.get("usage"));
    String finish = AnthropicResponseMapper.finishReason(data.path("delta").path("stop_reason").textValue());
    if (finish == null) {
      return List.of();
    }
    ObjectNode chunk = chunk();
    delta(chunk);
    ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", finish);
    return List.of(chunk);
  }

  private List<ObjectNode> messageStop() {
    stopped = true;
    if (!includeUsage) {
      return List.of();
    }
    ObjectNode chunk = header();
    chunk.putArray("choices");
    chunk.set("usage", usage.toOpenAi());
    return List.of(chunk);
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

  /** A chunk with one choice whose delta is still empty. */
  private ObjectNode chunk() {
    return ChatChunks.chunk(id, created, model, 0, includeUsage);
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
    throw new AnthropicStreamException(502, OpenAiErrors.body(
        "Anthropic sent a stream event that is not a JSON object", "api_error", null, "bad_upstream_event"));
  }

  private static AnthropicStreamException streamError(JsonNode error) {
    String type = error.path("type").asText("api_error");
    int status = AnthropicErrorMapper.statusFor(type);
    return new AnthropicStreamException(status, AnthropicErrorMapper.fromAnthropicError(error, status));
  }
}
