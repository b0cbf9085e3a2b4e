package io.switchboard.plugin.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.stream.SseEncoder;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.SseEventTransformer;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scans a streamed answer without holding the whole of it: per choice, the last {@code window} characters
 * of text are held back (a match may still be growing there), plus any finding that reaches into them;
 * the rest is released, redacted, in the chunk that brought the new text. A choice's finish chunk, the
 * {@code [DONE]} marker and the end of the stream release what is held. Chunks stay valid OpenAI chunks:
 * held text only makes a chunk's content shorter (possibly empty).
 */
final class StreamGuard extends SseEventTransformer {
  /** Released characters kept in front of the held text, so look-behinds see what came before. */
  private static final int CONTEXT = 32;

  private final ScanGuardrail guard;
  private final boolean chat;
  private final Map<Integer, Held> held = new TreeMap<>();
  private ObjectNode template;  // the latest chunk, for its id, model and created in a flushing chunk

  StreamGuard(ScanGuardrail guard, boolean chat) {
    this.guard = guard;
    this.chat = chat;
  }

  @Override
  protected void onStreamEnd() {
    flushAll();  // a stream cut before [DONE] still gets its held text
  }

  @Override
  protected void onEvent(SseEvent event) {
    if (event.event() != null) {
      pass(event);
      return;
    }
    String data = event.data();
    if (data.strip().equals("[DONE]")) {
      flushAll();
      emit(SseEncoder.done());
      return;
    }
    JsonNode node = Json.parseOrNull(Buffer.buffer(data));
    if (!(node instanceof ObjectNode chunk) || !(chunk.get("choices") instanceof ArrayNode choices)) {
      if (node != null && node.has("error")) {
        flushAll();
      }
      emit(SseEncoder.data(data));
      return;
    }
    template = chunk;
    boolean changed = false;
    String field = chat ? "content" : "text";
    for (int i = 0; i < choices.size(); i++) {
      if (!(choices.get(i) instanceof ObjectNode choice)) {
        continue;
      }
      int index = choice.path("index").asInt(i);
      ObjectNode holder = chat ? (choice.get("delta") instanceof ObjectNode d ? d : null) : choice;
      JsonNode text = holder == null ? null : holder.get(field);
      boolean last = choice.hasNonNull("finish_reason");
      Held h = held.get(index);
      if (text != null && text.isTextual()) {
        if (h == null) {
          h = new Held();
          held.put(index, h);
        }
        h.append(text.asText());
        String released = h.release(last);
        if (!released.equals(text.asText())) {
          holder.put(field, released);
          changed = true;
        }
      } else if (last && h != null && h.holding()) {
        String released = h.release(true);
        (holder != null ? holder : chat ? choice.putObject("delta") : choice).put(field, released);
        changed = true;
      }
      if (last) {
        held.remove(index);
      }
    }
    emit(SseEncoder.data(changed ? Json.string(chunk) : data));
  }

  /** One chunk releasing every choice's held text, if any is held. */
  private void flushAll() {
    ObjectNode chunk = Json.object();
    if (template != null) {
      for (String f : new String[] {"id", "object", "created", "model", "system_fingerprint"}) {
        if (template.has(f)) {
          chunk.set(f, template.get(f));
        }
      }
    }
    ArrayNode choices = chunk.putArray("choices");
    for (Map.Entry<Integer, Held> e : held.entrySet()) {
      if (!e.getValue().holding()) {
        continue;
      }
      ObjectNode choice = choices.addObject().put("index", e.getKey());
      if (chat) {
        choice.putObject("delta").put("content", e.getValue().release(true));
      } else {
        choice.put("text", e.getValue().release(true));
      }
      choice.putNull("finish_reason");
    }
    held.clear();
    if (!choices.isEmpty()) {
      emit(SseEncoder.data(Json.string(chunk)));
    }
  }

  /** One choice's text: released context (first {@code released} chars) followed by held text. */
  private final class Held {
    private final StringBuilder text = new StringBuilder();
    private int released;

    void append(String s) {
      text.append(s);
    }

    boolean holding() {
      return text.length() > released;
    }

    /** The text that can go out now, redacted; everything held when {@code end}. Throws the denial on a block. */
    String release(boolean end) {
      int length = text.length();
      int cut = end ? length : length - guard.streamWindow();
      if (cut <= released) {
        return "";
      }
      String all = text.toString();
      List<Finding> findings = guard.detector().find(all);
      if (!end) {
        // A finding reaching past the cut may still grow: hold it whole (findings are ordered by start).
        for (int k = findings.size() - 1; k >= 0; k--) {
          Finding f = findings.get(k);
          if (f.start() >= released && f.start() < cut && f.end() > cut) {
            cut = f.start();
          }
        }
        if (cut <= released) {
          return "";
        }
      }
      List<Finding> inside = new ArrayList<>();
      for (Finding f : findings) {
        if (f.end() > released && f.end() <= cut) {
          inside.add(new Finding(f.kind(), Math.max(f.start(), released) - released, f.end() - released, f.label()));
        }
      }
      if (!inside.isEmpty() && guard.action() == ScanGuardrail.Action.BLOCK) {
        throw guard.streamDenied("the answer contains " + guard.describe(inside.getFirst()));
      }
      String segment = all.substring(released, cut);
      String out = inside.isEmpty() ? segment : guard.rewrite(segment, inside, "the answer");
      int keepFrom = Math.max(0, cut - CONTEXT);
      text.delete(0, keepFrom);
      released = cut - keepFrom;
      return out;
    }
  }
}
