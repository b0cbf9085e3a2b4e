package io.switchboard.plugin.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.stream.SseEncoder;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stored {@code chat.completion} back into the {@code chat.completion.chunk} events OpenAI would
 * have streamed for it: per choice a role delta, the reasoning, the content (in pieces of at most
 * {@link #PIECE} characters), a refusal, the tool calls (name first, then arguments), the finish reason;
 * then the usage chunk when the client asked for it, then {@code data: [DONE]}. Log probabilities are not
 * replayed.
 */
final class StreamReplay {
  static final int PIECE = 1024;

  private StreamReplay() {}

  /** One SSE event per buffer. */
  static List<Buffer> events(ObjectNode completion, boolean includeUsage) {
    List<Buffer> out = new ArrayList<>();
    for (JsonNode choice : completion.path("choices")) {
      int index = choice.path("index").asInt(0);
      JsonNode message = choice.path("message");
      ObjectNode role = Json.object().put("role", message.path("role").asText("assistant"));
      JsonNode content = message.get("content");
      if (content != null && content.isTextual()) {
        role.put("content", "");
      }
      out.add(chunk(completion, index, role, null));
      JsonNode reasoning = message.get("reasoning_content");
      if (reasoning != null && reasoning.isTextual()) {
        pieces(out, completion, index, "reasoning_content", reasoning.asText());
      }
      if (content != null && content.isTextual()) {
        pieces(out, completion, index, "content", content.asText());
      }
      JsonNode refusal = message.get("refusal");
      if (refusal != null && refusal.isTextual() && !refusal.asText().isEmpty()) {
        pieces(out, completion, index, "refusal", refusal.asText());
      }
      int call = 0;
      for (JsonNode toolCall : message.path("tool_calls")) {
        ObjectNode head = Json.object();
        ObjectNode first = head.putArray("tool_calls").addObject().put("index", call);
        if (toolCall.path("id").isTextual()) {
          first.put("id", toolCall.get("id").asText());
        }
        first.put("type", toolCall.path("type").asText("function"));
        first.putObject("function").put("name", toolCall.path("function").path("name").asText()).put("arguments", "");
        out.add(chunk(completion, index, head, null));
        String arguments = toolCall.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
          ObjectNode args = Json.object();
          args.putArray("tool_calls").addObject().put("index", call).putObject("function").put("arguments", arguments);
          out.add(chunk(completion, index, args, null));
        }
        call++;
      }
      JsonNode finish = choice.get("finish_reason");
      out.add(chunk(completion, index, Json.object(), finish != null && finish.isTextual() ? finish.asText() : "stop"));
    }
    JsonNode usage = completion.get("usage");
    if (includeUsage && usage != null && usage.isObject()) {
      ObjectNode last = header(completion);
      last.putArray("choices");
      last.set("usage", usage);
      out.add(SseEncoder.data(Json.string(last)));
    }
    out.add(SseEncoder.done());
    return out;
  }

  private static void pieces(List<Buffer> out, ObjectNode completion, int index, String field, String text) {
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(text.length(), start + PIECE);
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;  // never split a surrogate pair
      }
      out.add(chunk(completion, index, Json.object().put(field, text.substring(start, end)), null));
      start = end;
    }
  }

  private static Buffer chunk(ObjectNode completion, int index, ObjectNode delta, String finishReason) {
    ObjectNode chunk = header(completion);
    ArrayNode choices = chunk.putArray("choices");
    ObjectNode choice = choices.addObject().put("index", index);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return SseEncoder.data(Json.string(chunk));
  }

  private static ObjectNode header(ObjectNode completion) {
    ObjectNode chunk = Json.object();
    chunk.put("id", completion.path("id").asText(""));
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", completion.path("created").asLong(0));
    chunk.put("model", completion.path("model").asText(""));
    JsonNode fingerprint = completion.get("system_fingerprint");
    if (fingerprint != null && fingerprint.isTextual()) {
      chunk.put("system_fingerprint", fingerprint.asText());
    }
    return chunk;
  }
}
