package io.switchboard.provider.replicate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.stream.ChatChunks;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.StreamFailure;
import java.time.Instant;
import java.util.List;

/**
 * Replicate's prediction stream to OpenAI {@code chat.completion.chunk} objects: each {@code output} event's data
 * is a piece of text, {@code done} ends the answer (its data may name a reason: {@code canceled} or
 * {@code error}), {@code error} carries a message. One instance per stream; other events produce nothing.
 */
public final class ReplicateStreamMapper {
  private final String id;
  private final String model;
  private final long created = Instant.now().getEpochSecond();
  private boolean started;
  private boolean ended;

  public ReplicateStreamMapper(String predictionId, String model) {
    this.id = "chatcmpl-" + requireNonNull(predictionId, "predictionId");
    this.model = requireNonNull(model, "model");
  }

  public List<ObjectNode> onEvent(SseEvent event) {
    requireNonNull(event, "event");
    String type = event.event() == null ? "message" : event.event();
    return switch (type) {
      case "output" -> output(event.data());
      case "done" -> done(event.data());
      case "error" -> throw StreamFailure.of("Replicate stream error: " + event.data(), "api_error",
          "upstream_stream_error");
      default -> List.of();
    };
  }

  /** A stream cut before {@code done} must not look like a whole answer. */
  public List<ObjectNode> onEnd() {
    if (!ended) {
      throw StreamFailure.of("The Replicate stream ended before its done event.", "api_error",
          "upstream_stream_truncated");
    }
    return List.of();
  }

  private List<ObjectNode> output(String text) {
    if (ended || text.isEmpty()) {
      return List.of();
    }
    ObjectNode chunk = ChatChunks.chunk(id, created, model, 0, false);
    ObjectNode delta = ChatChunks.delta(chunk);
    if (!started) {
      delta.put("role", "assistant");
      started = true;
    }
    delta.put("content", text);
    return List.of(chunk);
  }

  private List<ObjectNode> done(String data) {
    JsonNode payload = Json.parseOrNull(data);
    String reason = payload == null ? "" : payload.path("reason").asText("");
    if (reason.equals("error") || reason.equals("canceled")) {
      throw StreamFailure.of("The Replicate prediction ended with " + reason + ".", "api_error",
          "upstream_stream_error");
    }
    ended = true;
    ObjectNode chunk = ChatChunks.chunk(id, created, model, 0, false);
    if (!started) {
      ChatChunks.delta(chunk).put("role", "assistant");
    }
    ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", "stop");
    return List.of(chunk);
  }
}
