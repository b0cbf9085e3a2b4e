package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchange;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MemoryReadStream;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * schema-guard: each choice's answer text must be JSON valid against the configured schema, else 502.
 * A stream cannot be judged before its end, so it is read to the end first (its chunks kept), then
 * replayed to the client as it came, or refused with a 502: this guardrail gives up streaming's early
 * first bytes.
 */
final class SchemaGuardPlugin extends GuardrailPlugin {
  /** A streamed answer larger than this is refused rather than held in memory. */
  static final int MAX_STREAM_BYTES = 8 * 1024 * 1024;
  private static final int MAX_REPORTED_ERRORS = 3;

  private static final Pattern FENCED = Pattern.compile("```[A-Za-z0-9_-]*[ \\t]*\\r?\\n(.*?)```", Pattern.DOTALL);

  private final Schema schema;
  private final boolean extractJson;
  private final Vertx vertx;

  SchemaGuardPlugin(String name, Schema schema, Vertx vertx, ScanPool scans) {
    this(name, schema, false, vertx, scans);
  }

  /** @param extractJson validate the JSON inside a markdown code block, if the answer has one (Ferro's extract_json) */
  SchemaGuardPlugin(String name, Schema schema, boolean extractJson, Vertx vertx, ScanPool scans) {
    super(name, false, true, scans);
    this.schema = schema;
    this.extractJson = extractJson;
    this.vertx = vertx;
  }

  /** The first fenced code block's content, else the text from its first brace or bracket to its last. */
  static String extractJson(String text) {
    Matcher fenced = FENCED.matcher(text);
    if (fenced.find()) {
      return fenced.group(1).strip();
    }
    int start = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' || c == '[') {
        start = i;
        break;
      }
    }
    int end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
    return start >= 0 && end > start ? text.substring(start, end + 1) : text;
  }

  @Override
  ObjectNode checkComplete(Exchange exchange, ObjectNode answer) {
    if (exchange.operation() != Operation.EMBEDDINGS) {
      String violation = violation(exchange.operation() == Operation.CHAT, answer);
      if (violation != null) {
        throw answerDenied(violation);
      }
    }
    return null;
  }

  /** Why the answer fails the schema, or null when every choice passes. */
  String violation(boolean chat, JsonNode answer) {
    JsonNode choices = answer.path("choices");
    if (!choices.isArray() || choices.isEmpty()) {
      return "the answer has no choices to validate";
    }
    for (int i = 0; i < choices.size(); i++) {
      JsonNode choice = choices.get(i);
      String at = chat ? "choices[" + i + "].message.content" : "choices[" + i + "].text";
      JsonNode content = chat ? choice.path("message").path("content") : choice.path("text");
      if (!content.isTextual()) {
        if (chat && "tool_calls".equals(choice.path("finish_reason").asText())) {
          continue;  // a tool call carries no content to validate
        }
        return "the answer has no content to validate (" + at + ")";
      }
      String text = extractJson ? extractJson(content.asText()) : content.asText();
      try {
        Json.parse(text);
      } catch (IOException e) {
        return "the answer is not JSON (" + at + ")";
      }
      List<Error> errors = schema.validate(text, InputFormat.JSON);
      if (!errors.isEmpty()) {
        StringBuilder why = new StringBuilder("the answer does not match the schema (").append(at).append(": ");
        for (int k = 0; k < Math.min(errors.size(), MAX_REPORTED_ERRORS); k++) {
          String where = errors.get(k).getInstanceLocation().toString();
          why.append(k == 0 ? "" : "; ").append(where.isEmpty() ? "/" : where).append(' ').append(errors.get(k).getMessage());
        }
        if (errors.size() > MAX_REPORTED_ERRORS) {
          why.append("; and ").append(errors.size() - MAX_REPORTED_ERRORS).append(" more");
        }
        return why.append(')').toString();
      }
    }
    return null;
  }

  @Override
  Future<Outcome> checkStream(Exchange exchange, Outcome outcome, UpstreamResponse.Streaming streaming) {
    if (exchange.operation() == Operation.EMBEDDINGS) {
      return Future.succeededFuture(outcome);
    }
    boolean chat = exchange.operation() == Operation.CHAT;
    UpstreamStream stream = streaming.stream();
    Collector collector = new Collector(chat);
    List<Buffer> chunks = new ArrayList<>();
    Promise<Outcome> promise = Promise.promise();
    long[] size = {0};
    Handler<Buffer> keep = data -> {
      if (promise.future().isComplete()) {
        return;
      }
      size[0] += data.length();
      if (size[0] > MAX_STREAM_BYTES) {
        stream.cancel();
        promise.tryFail(answerDenied("the streamed answer is over " + MAX_STREAM_BYTES + " bytes, too large to validate"));
        return;
      }
      chunks.add(data);
      collector.decoder.feed(data);
    };
    try {
      if (stream.first().length() > 0) {
        keep.handle(stream.first());
      }
      Consumer<String> settle = violation -> {
        if (violation != null) {
          promise.tryFail(answerDenied(violation));
        } else {
          promise.tryComplete(new Outcome(new UpstreamResponse.Streaming(replay(chunks), streaming.upstreamRequestId()),
              outcome.served(), outcome.attempts()));
        }
      };
      stream.start(keep, end -> {
        collector.decoder.end();
        if (promise.future().isComplete()) {
          return;
        }
        // An answer that ended in an error event goes out as it is: the client sees the upstream's error.
        if (collector.error || !scans().offLoop(size[0])) {
          settle.accept(collector.error ? null : violation(chat, collector.answer()));
          return;
        }
        // Up to 8 MB of text to parse and validate; the replay is built back on this loop.
        scans().submit(() -> violation(chat, collector.answer())).onComplete(judged -> {
          if (judged.failed()) {
            promise.tryFail(judged.cause());
          } else {
            settle.accept(judged.result());
          }
        });
      }, error -> {
        if (error instanceof StreamFailure f) {
          JsonNode e = f.errorBody().path("error");
          promise.tryFail(new ApiException(f.status(), e.path("type").asText("api_error"),
              e.path("code").asText("upstream_stream_error"), null, f.getMessage()));
        } else {
          promise.tryFail(new ApiException(502, "api_error", "upstream_stream_error",
              null, "The upstream stream failed before " + name() + " could validate the answer."));
        }
      });
    } catch (RuntimeException e) {
      stream.cancel();
      return Future.failedFuture(e);
    }
    return promise.future();
  }

  private UpstreamStream replay(List<Buffer> chunks) {
    Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
    Buffer first = chunks.isEmpty() ? Buffer.buffer() : chunks.getFirst();
    MemoryReadStream rest = new MemoryReadStream(context, chunks.isEmpty() ? List.of() : chunks.subList(1, chunks.size()));
    rest.pause();  // UpstreamStream resumes its source on start
    return new UpstreamStream(first, rest, ChunkTransformer.AS_IS, rest::pause);
  }

  /** The text of each choice of a stream, and whether it ended in an error event. */
  private static final class Collector {
    final SseDecoder decoder = new SseDecoder(this::onEvent);
    final boolean chat;
    final TreeMap<Integer, StringBuilder> text = new TreeMap<>();
    final TreeMap<Integer, String> finish = new TreeMap<>();
    boolean error;

    Collector(boolean chat) {
      this.chat = chat;
    }

    void onEvent(SseEvent event) {
      if (event.event() != null || event.data().strip().equals("[DONE]")) {
        return;
      }
      JsonNode chunk = Json.parseOrNull(Buffer.buffer(event.data()));
      if (chunk == null) {
        return;
      }
      if (chunk.has("error")) {
        error = true;
        return;
      }
      JsonNode choices = chunk.path("choices");
      for (int i = 0; i < choices.size(); i++) {
        JsonNode choice = choices.get(i);
        int index = choice.path("index").asInt(i);
        JsonNode t = chat ? choice.path("delta").path("content") : choice.path("text");
        if (t.isTextual()) {
          text.computeIfAbsent(index, k -> new StringBuilder()).append(t.asText());
        }
        if (choice.hasNonNull("finish_reason")) {
          finish.put(index, choice.get("finish_reason").asText());
        }
      }
    }

    /** The answer the chunks add up to, in the shape {@link #violation} reads. */
    JsonNode answer() {
      ObjectNode answer = Json.object();
      ArrayNode choices = answer.putArray("choices");
      TreeMap<Integer, Boolean> indexes = new TreeMap<>();
      text.keySet().forEach(k -> indexes.put(k, true));
      finish.keySet().forEach(k -> indexes.put(k, true));
      for (Integer index : indexes.keySet()) {
        ObjectNode choice = choices.addObject().put("index", index);
        StringBuilder t = text.get(index);
        if (chat) {
          ObjectNode message = choice.putObject("message");
          if (t != null) {
            message.put("content", t.toString());
          } else {
            message.putNull("content");
          }
        } else if (t != null) {
          choice.put("text", t.toString());
        }
        choice.put("finish_reason", finish.get(index));
      }
      return answer;
    }
  }
}
