package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.ConfigLoader;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.anthropic.AnthropicRequestMapper;
import io.switchboard.provider.anthropic.AnthropicResponseMapper;
import io.switchboard.provider.gemini.GeminiCodec;
import io.switchboard.provider.gemini.GeminiRequestMapper;
import io.switchboard.provider.openai.OpenAiCodec;
import io.switchboard.provider.openai.OpenAiRequestAccess;
import io.switchboard.server.ApiHandlerAccess;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Request and response translation through the provider adapters, from the parsed request tree to the bytes
 * sent upstream, and from the upstream's bytes to the client's. {@code request*} run on RequestParsingBenchmark's
 * small and large bodies; {@code response*} on recorded answers (text, and a tool call). The OpenAI passthrough
 * is the baseline: the client's bytes unless the model is rewritten. Run with bench/jmh.sh; not part of the tests.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TranslationBenchmark {
  @State(Scope.Benchmark)
  public static class Requests {
    @Param({"small", "large"})
    public String size;

    Buffer bytes;
    ObjectNode body;
    String model;
    OpenAiRequestAccess openAi;

    @Setup(Level.Trial)
    public void setup() {
      bytes = BenchBodies.request(size);
      body = ApiHandlerAccess.parseBody(bytes, Operation.CHAT);
      model = body.path("model").asText();
      openAi = new OpenAiRequestAccess(ConfigLoader.parse(
          "providers:\n  - {key: openai, provider: openai, api_key: sk-bench}\n", Map.of()).providers().getFirst());
    }
  }

  @State(Scope.Benchmark)
  public static class Responses {
    @Param({"text", "tool"})
    public String kind;

    Buffer openAi;
    Buffer anthropic;
    Buffer gemini;
    OpenAiCodec openAiCodec;
    GeminiCodec geminiCodec;

    @Setup(Level.Trial)
    public void setup() {
      boolean text = kind.equals("text");
      // Mistral's answers stand in for OpenAI's: the same shape, passed through by the same codec.
      openAi = BenchBodies.fixture("/providers/mistral/vercel-ai/mistral-" + (text ? "text" : "tool-call") + ".json");
      anthropic = BenchBodies.fixture("/providers/anthropic/vercel-ai/anthropic-"
          + (text ? "text" : "tool-no-args") + ".json");
      gemini = BenchBodies.fixture("/providers/gemini/vercel-ai/google-" + (text ? "text" : "tool-call") + ".json");
      openAiCodec = new OpenAiCodec(ConfigLoader.parse(
          "providers:\n  - {key: openai, provider: openai, api_key: sk-bench}\n", Map.of()).providers().getFirst());
      geminiCodec = new GeminiCodec("gemini", "gemini-2.5-flash", false, "bench-key");
    }
  }

  /** OpenAiProvider.send with no preset and the model unchanged: the client's bytes, untouched. */
  @Benchmark
  public Buffer requestOpenAiPassthrough(Requests r) {
    return r.openAi.body(new UpstreamRequest(r.body, r.bytes, r.model, false, "req_bench"), params());
  }

  /** The same with a target that asks for another model: the tree is copied and written anew. */
  @Benchmark
  public Buffer requestOpenAiModelRewrite(Requests r) {
    return r.openAi.body(new UpstreamRequest(r.body, r.bytes, "gpt-4o-2024-08-06", false, "req_bench"), params());
  }

  /** AnthropicProvider.chat's body: the Messages request, serialised. */
  @Benchmark
  public Buffer requestAnthropic(Requests r) {
    return Json.buffer(AnthropicRequestMapper.toMessagesRequest(r.body, "claude-sonnet-4-5",
        UnsupportedParamPolicy.WARN, new ArrayList<>()));
  }

  /** GeminiProvider.chat's body: the GenerateContentRequest, serialised. */
  @Benchmark
  public Buffer requestGemini(Requests r) {
    return Json.buffer(GeminiRequestMapper.toGenerateContentRequest(r.body, UnsupportedParamPolicy.WARN,
        new ArrayList<>()));
  }

  /** OpenAiCodec.complete: a look at both ends of the body, which passes through unparsed. */
  @Benchmark
  public Buffer responseOpenAiPassthrough(Responses s) {
    return s.openAiCodec.complete(s.openAi);
  }

  /** AnthropicProvider's codec (a private record) step by step: parse, map, serialise. */
  @Benchmark
  public Buffer responseAnthropic(Responses s) {
    JsonNode message = Json.parseOrNull(s.anthropic);
    if (message == null || !"message".equals(message.path("type").asText())) {
      throw new IllegalStateException("expected an Anthropic message object");
    }
    return Json.buffer(AnthropicResponseMapper.toChatCompletion(message));
  }

  @Benchmark
  public Buffer responseGemini(Responses s) {
    return s.geminiCodec.complete(s.gemini);
  }

  private static UnsupportedParams params() {
    return new UnsupportedParams(UnsupportedParamPolicy.WARN, "openai", new ArrayList<>());
  }
}
