package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.ConfigLoader;
import io.switchboard.provider.ResponseCodec;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.provider.anthropic.AnthropicSseStream;
import io.switchboard.provider.gemini.GeminiCodec;
import io.switchboard.provider.openai.OpenAiCodec;
import io.switchboard.stream.ChatStreamTap;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.SseErrorRedaction;
import io.switchboard.testing.ManualReadStream;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's work per upstream stream chunk, one recorded SSE event per chunk, through the codec's
 * {@code streamTransformer()}, the {@link SseErrorRedaction} after it, and a real {@link UpstreamStream} as
 * HttpUpstream and ApiHandler wire them (the first chunk before the stream is handed over, the rest through its
 * source handler). One op is one chunk; a new stream starts when the recording runs out, so each stream's setup
 * and end are spread over its chunks.
 * <ul>
 *   <li>{@code openai}: passthrough, no plugins (OpenAiSseCheck watching for [DONE]); gpt-4o text, 34 events.
 *   <li>{@code openai-plugins}: the same with a plugin that needs the answer and a client that did not ask for
 *       usage: the ChatStreamTap last in the chain, assembling the answer and taking the usage chunk out.
 *   <li>{@code anthropic-text}, {@code anthropic-tool}: Anthropic events to OpenAI chunk frames (AnthropicSseStream),
 *       raw SSE recorded by anthropic-sdk-python: 9 events of text, 15 of text and a tool call.
 *   <li>{@code gemini}: Gemini streamGenerateContent events to OpenAI chunk frames (GeminiCodec); 3 events, the
 *       last 1.3 KB, most of it a thought signature.
 * </ul>
 * The socket write is not included. Run with bench/jmh.sh; not part of the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseBenchmark {
  @Param({"openai", "openai-plugins", "anthropic-text", "anthropic-tool", "gemini"})
  public String path;

  List<Buffer> chunks;
  Supplier<ChunkTransformer> transformers;
  boolean plugins;

  // One stream in progress.
  int next;
  ChunkTransformer transformer;
  ManualReadStream source;  // the upstream response as UpstreamStream sees it, driven synchronously
  ChatStreamTap tap;
  Buffer out;
  ObjectNode completion;

  @Setup(Level.Trial)
  public void setup() {
    var openAi = new OpenAiCodec(ConfigLoader.parse(
        "providers:\n  - {key: openai, provider: openai, api_key: sk-bench}\n", Map.of()).providers().getFirst());
    ResponseCodec gemini = new GeminiCodec("gemini", "gemini-3-pro-preview", false, "bench-key");
    plugins = path.equals("openai-plugins");
    switch (path) {
      case "openai", "openai-plugins" -> {
        chunks = events("/providers/openai/openai-python-inline-snapshot/"
            + "e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin");
        transformers = openAi::streamTransformer;
      }
      case "anthropic-text", "anthropic-tool" -> {
        chunks = events("/providers/anthropic/anthropic-sdk-python/"
            + (path.equals("anthropic-text") ? "basic" : "tool_use") + "_response.txt");
        transformers = () -> AnthropicSseStream.of(false);
      }
      case "gemini" -> {
        // Vercel keeps only each event's data; framed here as Gemini's alt=sse sends it.
        chunks = new ArrayList<>();
        for (String line : BenchBodies.fixture("/providers/gemini/vercel-ai/google-text.chunks.txt")
            .toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList()) {
          chunks.add(Buffer.buffer("data: " + line + "\r\n\r\n"));
        }
        transformers = gemini::streamTransformer;
      }
      default -> throw new IllegalArgumentException("path: " + path);
    }
    // HttpUpstream.awaitFirstChunk: every codec's output passes the error-event redaction.
    Supplier<ChunkTransformer> codec = transformers;
    transformers = () -> codec.get().andThen(new SseErrorRedaction(List.of("sk-bench")));
    next = chunks.size();
  }

  @Benchmark
  public Buffer chunk() {
    if (next == chunks.size()) {
      if (source != null) {
        source.end();
      }
      next = 0;
      transformer = transformers.get();
    }
    Buffer chunk = chunks.get(next++);
    if (next == 1) {
      // HttpUpstream.awaitFirstChunk: the first chunk goes through the transformer before the stream is handed on.
      out = transformer.onChunk(chunk);
      start(out);
    } else {
      source.push(chunk);
    }
    return out;
  }

  /** ApiHandler.relay: the tracker's tap last in the chain (Tracker.watch), its completion at the end. */
  private void start(Buffer first) {
    source = new ManualReadStream();
    UpstreamStream stream = new UpstreamStream(first, source, transformer, () -> {});
    tap = plugins ? new ChatStreamTap(true) : null;
    if (plugins) {
      stream.through(tap);
    }
    out = stream.first();
    stream.start(data -> out = data, end -> {
      if (tap != null) {
        completion = tap.completion();
      }
    }, error -> {
      throw new IllegalStateException("the recorded stream failed", error);
    });
  }

  /** A recorded SSE body cut into one chunk per event, as upstreams usually send them. */
  private static List<Buffer> events(String fixture) {
    String text = BenchBodies.fixture(fixture).toString(StandardCharsets.UTF_8);
    List<Buffer> events = new ArrayList<>();
    for (String event : text.split("\n\n")) {
      if (!event.isBlank()) {
        events.add(Buffer.buffer(event.strip() + "\n\n"));
      }
    }
    return events;
  }
}
