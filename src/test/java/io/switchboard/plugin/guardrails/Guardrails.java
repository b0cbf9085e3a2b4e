package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.switchboard.api.Json;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.PluginRegistry;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds guardrail plugins from config text the way the loader does, and reads what they answer. */
public final class Guardrails {
  private static final YAMLMapper YAML = new YAMLMapper();

  private Guardrails() {}

  static JsonNode yaml(String text) {
    try {
      JsonNode node = YAML.readTree(text);
      return node == null || node.isMissingNode() ? YAML.createObjectNode() : node;
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems the loader would report for this plugin's config. */
  static List<String> problems(String name, String stage, String config) {
    NodeReader r = new NodeReader();
    PluginRegistry.read(r, PluginRegistry.lookup(name), "guardrail", Stage.of(stage), yaml(config), "plugins[0]");
    return r.problems();
  }

  static Plugin plugin(Vertx vertx, String name, String stage, String config) {
    NodeReader r = new NodeReader();
    PluginSettings settings = PluginRegistry.read(r, PluginRegistry.lookup(name), "guardrail", Stage.of(stage),
        yaml(config), "plugins[0]");
    assertThat(r.problems()).isEmpty();
    return settings.create(new PluginContext(vertx, PriceCatalog.of(java.util.Map.of()), Clock.systemUTC(),
        Optional.empty(), name, Stage.of(stage)));
  }

  static Outcome complete(String json) {
    return new Outcome(new UpstreamResponse.Complete(Buffer.buffer(json), "up-1"), null, 1);
  }

  /** A chat.completion with one choice whose message content is {@code content}. */
  static String chatAnswer(String content) {
    ObjectNode answer = Json.object().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o");
    ObjectNode choice = answer.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", "stop");
    return Json.string(answer);
  }

  /** Runs the plugin with a stand-in upstream answering {@code answer}; records what the upstream got. */
  static Future<Outcome> run(Plugin plugin, Exchange exchange, Outcome answer, List<JsonNode> upstreamGot) {
    return plugin.handle(exchange, ex -> {
      upstreamGot.add(ex.body().deepCopy());
      return Future.succeededFuture(answer);
    });
  }

  static String body(Outcome outcome) {
    return ((UpstreamResponse.Complete) outcome.response()).body().toString();
  }

  /** One {@code chat.completion.chunk} event with a content delta and/or a finish reason. */
  public static String chunk(int index, String content, String finish) {
    ObjectNode c = Json.object().put("id", "chatcmpl-s").put("object", "chat.completion.chunk").put("created", 2)
        .put("model", "gpt-4o");
    ObjectNode choice = c.putArray("choices").addObject().put("index", index);
    ObjectNode delta = choice.putObject("delta");
    if (content != null) {
      delta.put("content", content);
    }
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return "data: " + Json.string(c) + "\n\n";
  }

  static final String DONE = "data: [DONE]\n\n";

  /** The events of SSE bytes. */
  static List<SseEvent> events(String sse) {
    List<SseEvent> out = new ArrayList<>();
    SseDecoder d = new SseDecoder(out::add);
    d.feed(Buffer.buffer(sse));
    d.end();
    return out;
  }

  /**
   * Checks that SSE bytes are valid OpenAI chat chunks ending in [DONE], and returns the text of
   * choice {@code index}.
   */
  static String streamedText(String sse, int index) {
    List<SseEvent> events = events(sse);
    assertThat(events).isNotEmpty();
    assertThat(events.getLast().data()).isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    for (SseEvent e : events.subList(0, events.size() - 1)) {
      JsonNode chunk = Json.parseOrNull(Buffer.buffer(e.data()));
      assertThat(chunk).as(e.data()).isNotNull();
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.path("id").asText()).isEqualTo("chatcmpl-s");
      assertThat(chunk.path("choices").isArray()).isTrue();
      for (JsonNode choice : chunk.path("choices")) {
        assertThat(choice.has("index")).isTrue();
        assertThat(choice.path("delta").isObject()).isTrue();
        if (choice.path("index").asInt() == index && choice.path("delta").path("content").isTextual()) {
          text.append(choice.path("delta").path("content").asText());
        }
      }
    }
    return text.toString();
  }
}
