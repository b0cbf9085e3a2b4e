package io.switchboard.provider.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.stream.ChatChunks;
import io.switchboard.stream.StreamFailure;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini {@code streamGenerateContent} events (each a partial GenerateContentResponse) to OpenAI
 * {@code chat.completion.chunk} objects. One instance per stream; all state is in the fields below.
 *
 * <p>A function call arrives whole in one part, or (with streamed function-call arguments) as a part with
 * the name and {@code willContinue}, parts with {@code partialArgs} addressed by JSON path, and an empty
 * closing part. The second kind is announced when it starts and its arguments sent once they are complete.
 */
public final class GeminiStreamMapper {
  private static final Pattern PATH_STEP = Pattern.compile("\\.([^.\\[\\]]+)|\\[(\\d+)\\]|\\['([^']*)'\\]");

  private final boolean includeUsage;
  private final String requestedModel;
  private final String secret;
  private String id;
  private String model;
  private long created;
  private GeminiUsage usage = GeminiUsage.ZERO;
  private boolean finished;
  private final Map<Integer, Candidate> candidates = new TreeMap<>();

  private static final class Candidate {
    boolean started;
    int toolCalls;
    /** A streamed call whose arguments are still arriving: its OpenAI index and the arguments so far. */
    Integer openCall;
    ObjectNode openArgs;
    boolean finished;
  }

  /** {@code secret} is masked in an error Google sends mid-stream, should it quote it. */
  public GeminiStreamMapper(boolean includeUsage, String requestedModel, String secret) {
    this.includeUsage = includeUsage;
    this.requestedModel = requireNonNull(requestedModel, "requestedModel");
    this.secret = secret;
  }

  public List<ObjectNode> onEvent(String data) {
    JsonNode event = parse(data);
    if (event.has("error")) {
      JsonNode error = event.get("error");
      throw new StreamFailure(GeminiErrorMapper.fromGoogleError(error, 500, secret), GeminiErrorMapper.statusFor(error));
    }
    if (id == null) {
      id = GeminiResponseMapper.completionId(event);
      model = event.path("modelVersion").asText(requestedModel);
      created = Instant.now().getEpochSecond();
    }
    usage = usage.updatedBy(event.get("usageMetadata"));
    List<ObjectNode> out = new ArrayList<>();
    JsonNode list = event.path("candidates");
    if (list.isEmpty() && event.path("promptFeedback").has("blockReason")) {
      Candidate c = candidate(0, out);
      ObjectNode chunk = chunk(0);
      delta(chunk).put("refusal", GeminiResponseMapper.blockedMessage(event.get("promptFeedback")));
      out.add(chunk);
      out.add(finish(0, "content_filter"));
      c.finished = true;
      finished = true;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode candidate = list.get(i);
      int index = candidate.path("index").asInt(i);
      Candidate c = candidate(index, out);
      for (JsonNode part : candidate.path("content").path("parts")) {
        part(index, c, part, out);
      }
      String reason = candidate.path("finishReason").textValue();
      if (reason != null) {
        close(index, c, out);
        out.add(finish(index, GeminiResponseMapper.finishReason(reason, c.toolCalls > 0)));
        c.finished = true;
        finished = true;
      }
    }
    return out;
  }

  /**
   * The upstream stream ended: the usage chunk when asked for. Gemini has no end event, so a stream without
   * any finish reason was cut short and must not look like a complete answer.
   */
  public List<ObjectNode> onEnd() {
    if (!finished) {
      throw new StreamFailure(OpenAiErrors.body("The Gemini stream ended before a finish reason.", "api_error",
          null, "upstream_stream_truncated"), 502);
    }
    List<ObjectNode> out = new ArrayList<>();
    candidates.forEach((index, c) -> close(index, c, out));
    if (includeUsage) {
      ObjectNode chunk = header();
      chunk.putArray("choices");
      chunk.set("usage", usage.toOpenAi());
      out.add(chunk);
    }
    return out;
  }

  private Candidate candidate(int index, List<ObjectNode> out) {
    Candidate c = candidates.computeIfAbsent(index, k -> new Candidate());
    if (!c.started) {
      c.started = true;
      ObjectNode chunk = chunk(index);
      delta(chunk).put("role", "assistant").put("content", "");
      out.add(chunk);
    }
    return c;
  }

  private void part(int index, Candidate c, JsonNode part, List<ObjectNode> out) {
    JsonNode call = part.get("functionCall");
    if (call == null) {
      close(index, c, out);
      String text = part.path("text").asText("");
      if (!text.isEmpty()) {
        ObjectNode chunk = chunk(index);
        delta(chunk).put(part.path("thought").asBoolean(false) ? "reasoning_content" : "content", text);
        out.add(chunk);
      }
      return;
    }
    if (!call.path("name").asText("").isEmpty()) {
      close(index, c, out);
      int callIndex = c.toolCalls++;
      boolean continues = call.path("willContinue").asBoolean(false) && !call.has("args");
      ObjectNode toolCall = toolCallChunk(index, callIndex, out);
      toolCall.put("id", call.path("id").asText("").isEmpty() ? GeminiResponseMapper.newToolCallId()
          : call.get("id").asText());
      toolCall.put("type", "function");
      ObjectNode function = toolCall.putObject("function");
      function.put("name", call.get("name").asText());
      GeminiResponseMapper.signature(part, toolCall);
      if (continues) {
        function.put("arguments", "");
        c.openCall = callIndex;
        c.openArgs = Json.object();
      } else {
        JsonNode args = call.get("args");
        function.put("arguments", args == null || args.isNull() ? "{}" : Json.string(args));
      }
      return;
    }
    if (c.openCall == null) {
      return; // a continuation without a call to continue: nothing we could attach it to
    }
    for (JsonNode arg : call.path("partialArgs")) {
      apply(c.openArgs, arg);
    }
    if (!call.path("willContinue").asBoolean(false)) {
      close(index, c, out);
    }
  }

  /** Sends the arguments of the streamed call still open, if any. */
  private void close(int index, Candidate c, List<ObjectNode> out) {
    if (c.openCall == null) {
      return;
    }
    ObjectNode toolCall = toolCallChunk(index, c.openCall, out);
    toolCall.putObject("function").put("arguments", Json.string(c.openArgs));
    c.openCall = null;
    c.openArgs = null;
  }

  /** Sets one {@code partialArgs} entry; string pieces for the same path are concatenated. */
  static void apply(ObjectNode args, JsonNode arg) {
    String path = arg.path("jsonPath").asText("");
    JsonNode value;
    if (arg.has("stringValue")) {
      value = arg.get("stringValue");
    } else if (arg.has("numberValue")) {
      value = arg.get("numberValue");
    } else if (arg.has("boolValue")) {
      value = arg.get("boolValue");
    } else if (arg.has("nullValue")) {
      value = JsonNodeFactory.instance.nullNode();
    } else {
      return;
    }
    if (!path.startsWith("$")) {
      return;
    }
    List<Object> steps = new ArrayList<>();
    Matcher m = PATH_STEP.matcher(path);
    int at = 1;
    while (at < path.length() && m.find(at) && m.start() == at) {
      steps.add(m.group(2) != null ? (Object) Integer.valueOf(m.group(2)) : m.group(1) != null ? m.group(1) : m.group(3));
      at = m.end();
    }
    if (steps.isEmpty() || at != path.length()) {
      return; // the root itself, or a path we cannot read
    }
    JsonNode node = args;
    for (int i = 0; i < steps.size(); i++) {
      Object step = steps.get(i);
      boolean last = i == steps.size() - 1;
      Object next = last ? null : steps.get(i + 1);
      if (step instanceof String name) {
        if (!(node instanceof ObjectNode object)) {
          return;
        }
        if (last) {
          set(object.get(name), value, v -> object.set(name, v));
        } else {
          JsonNode child = object.get(name);
          if (child == null || !child.isContainerNode()) {
            child = next instanceof Integer ? object.putArray(name) : object.putObject(name);
          }
          node = child;
        }
      } else {
        int idx = (Integer) step;
        if (!(node instanceof ArrayNode array)) {
          return;
        }
        while (array.size() <= idx) {
          array.addNull();
        }
        if (last) {
          set(array.get(idx), value, v -> array.set(idx, v));
        } else {
          JsonNode child = array.get(idx);
          if (!child.isContainerNode()) {
            child = next instanceof Integer ? Json.MAPPER.createArrayNode() : Json.object();
            array.set(idx, child);
          }
          node = child;
        }
      }
    }
  }

  private static void set(JsonNode current, JsonNode value, java.util.function.Consumer<JsonNode> setter) {
    if (current != null && current.isTextual() && value.isTextual()) {
      setter.accept(Json.MAPPER.getNodeFactory().textNode(current.textValue() + value.textValue()));
    } else {
      setter.accept(value);
    }
  }

  private ObjectNode toolCallChunk(int index, int callIndex, List<ObjectNode> out) {
    ObjectNode chunk = chunk(index);
    out.add(chunk);
    ObjectNode toolCall = delta(chunk).putArray("tool_calls").addObject();
    toolCall.put("index", callIndex);
    return toolCall;
  }

  private ObjectNode finish(int index, String reason) {
    ObjectNode chunk = chunk(index);
    ((ObjectNode) chunk.path("choices").get(0)).put("finish_reason", reason);
    return chunk;
  }

  private ObjectNode header() {
    return ChatChunks.header(chunkId(), created, chunkModel());
  }

  private String chunkId() {
    return id == null ? GeminiResponseMapper.completionId(Json.object()) : id;
  }

  private String chunkModel() {
    return model == null ? requestedModel : model;
  }

  private ObjectNode chunk(int index) {
    return ChatChunks.chunk(chunkId(), created, chunkModel(), index, includeUsage);
  }

  private static ObjectNode delta(ObjectNode chunk) {
    return ChatChunks.delta(chunk);
  }

  private static JsonNode parse(String data) {
    try {
      JsonNode node = Json.parse(data);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // fall through
    }
    throw new StreamFailure(OpenAiErrors.body("Gemini sent a stream event that is not a JSON object", "api_error",
        null, "bad_upstream_event"), 502);
  }
}
