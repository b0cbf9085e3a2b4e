package io.switchboard.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.GatewayConfig;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.CompletionProvider;
import io.switchboard.provider.EmbeddingProvider;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.stream.MemoryReadStream;
import io.switchboard.stream.OpenAiSseCheck;
import io.switchboard.stream.SseEncoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The built-in provider that answers in OpenAI format without a network: for the default config,
 * demos, and trying a config without spending money. Answers are deterministic: the reply quotes the
 * last user message, and embeddings are derived from the input text.
 */
public final class MockProvider implements ChatProvider, CompletionProvider, EmbeddingProvider {
  private static final int DEFAULT_DIMENSIONS = 16;
  private static final List<ModelInfo> MODELS = List.of(
      new ModelInfo("mock-gpt", 0, Set.of(ModelInfo.Capability.CHAT, ModelInfo.Capability.STREAMING)),
      ModelInfo.embedding("mock-embedding", 0));

  private final GatewayConfig.Provider config;
  private final Vertx vertx;

  public MockProvider(GatewayConfig.Provider config, Vertx vertx) {
    this.config = config;
    this.vertx = vertx;
  }

  @Override
  public GatewayConfig.Provider config() {
    return config;
  }

  @Override
  public List<ModelInfo> knownModels() {
    return MODELS;
  }

  @Override
  public Future<UpstreamResponse> chat(UpstreamRequest request) {
    String reply = "This is a mock response from Switchboard. You said: " + lastUserText(request.body());
    String id = "chatcmpl-mock-" + request.requestId();
    long created = System.currentTimeMillis() / 1000;
    int promptTokens = countTokens(request.body().path("messages").toString());
    int completionTokens = countTokens(reply);
    if (!request.stream()) {
      ObjectNode body = Json.object();
      body.put("id", id).put("object", "chat.completion").put("created", created).put("model", request.model());
      ObjectNode choice = body.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", reply).putNull("refusal");
      choice.putNull("logprobs");
      choice.put("finish_reason", "stop");
      usage(body.putObject("usage"), promptTokens, completionTokens);
      return Future.succeededFuture(new UpstreamResponse.Complete(Json.buffer(body), null));
    }
    List<Buffer> events = new ArrayList<>();
    events.add(chunk(id, created, request.model(), delta -> delta.put("role", "assistant").put("content", ""), null));
    for (String word : reply.split("(?<= )")) {
      events.add(chunk(id, created, request.model(), delta -> delta.put("content", word), null));
    }
    events.add(chunk(id, created, request.model(), delta -> {}, "stop"));
    if (request.body().path("stream_options").path("include_usage").asBoolean(false)) {
      ObjectNode last = Json.object();
      last.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", request.model());
      last.putArray("choices");
      usage(last.putObject("usage"), promptTokens, completionTokens);
      events.add(SseEncoder.data(Json.string(last)));
    }
    events.add(SseEncoder.done());
    Buffer first = events.removeFirst();
    MemoryReadStream rest = new MemoryReadStream(vertx.getOrCreateContext(), events);
    rest.pause();
    return Future.succeededFuture(new UpstreamResponse.Streaming(
        new UpstreamStream(first, rest, new OpenAiSseCheck(), () -> rest.pause()), null));
  }

  @Override
  public Future<UpstreamResponse> completions(UpstreamRequest request) {
    if (request.stream()) {
      return Future.failedFuture(ApiException.invalidRequest("stream", "unsupported_parameter",
          "The mock provider does not stream legacy completions."));
    }
    JsonNode prompt = request.body().path("prompt");
    String text = " This is a mock completion from Switchboard.";
    ObjectNode body = Json.object();
    body.put("id", "cmpl-mock-" + request.requestId()).put("object", "text_completion")
        .put("created", System.currentTimeMillis() / 1000).put("model", request.model());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("text", text).put("index", 0).putNull("logprobs").put("finish_reason", "stop");
    usage(body.putObject("usage"), countTokens(prompt.toString()), countTokens(text));
    return Future.succeededFuture(new UpstreamResponse.Complete(Json.buffer(body), null));
  }

  @Override
  public Future<UpstreamResponse> embeddings(UpstreamRequest request) {
    JsonNode input = request.body().path("input");
    List<String> texts = new ArrayList<>();
    if (input.isArray()) {
      input.forEach(item -> texts.add(item.toString()));
    } else {
      texts.add(input.asText());
    }
    int dimensions = request.body().path("dimensions").asInt(DEFAULT_DIMENSIONS);
    if (dimensions < 1 || dimensions > 4096) {
      return Future.failedFuture(ApiException.invalidRequest("dimensions", "invalid_value",
          "dimensions: " + dimensions + " (expected: 1 to 4096)"));
    }
    boolean base64 = "base64".equals(request.body().path("encoding_format").asText());
    ObjectNode body = Json.object();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    int tokens = 0;
    for (int i = 0; i < texts.size(); i++) {
      float[] vector = vector(texts.get(i), dimensions);
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      if (base64) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
          bytes.putFloat(f);
        }
        item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
      } else {
        ArrayNode values = item.putArray("embedding");
        for (float f : vector) {
          values.add(f);
        }
      }
      tokens += countTokens(texts.get(i));
    }
    body.put("model", request.model());
    body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return Future.succeededFuture(new UpstreamResponse.Complete(Json.buffer(body), null));
  }

  /** A unit vector that depends only on the text, so equal inputs embed equally. */
  static float[] vector(String text, int dimensions) {
    float[] v = new float[dimensions];
    long seed = text.hashCode() * 0x9E3779B97F4A7C15L;
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 7;
      seed ^= seed << 17;
      v[i] = (float) ((seed >>> 11) / (double) (1L << 53) * 2 - 1);
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm == 0 ? 1 : norm));
    for (int i = 0; i < dimensions; i++) {
      v[i] *= scale;
    }
    return v;
  }

  private static Buffer chunk(String id, long created, String model,
      java.util.function.Consumer<ObjectNode> delta, String finishReason) {
    ObjectNode chunk = Json.object();
    chunk.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    delta.accept(choice.putObject("delta"));
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return SseEncoder.data(Json.string(chunk));
  }

  private static void usage(ObjectNode usage, int prompt, int completion) {
    usage.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
  }

  private static String lastUserText(JsonNode body) {
    JsonNode messages = body.path("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if ("user".equals(m.path("role").asText())) {
        JsonNode content = m.path("content");
        String text;
        if (content.isTextual()) {
          text = content.asText();
        } else {
          StringBuilder sb = new StringBuilder();
          content.forEach(part -> {
            if ("text".equals(part.path("type").asText())) {
              sb.append(part.path("text").asText());
            }
          });
          text = sb.toString();
        }
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
      }
    }
    return "";
  }

  /** A rough token count (about four characters a token), enough for usage figures in demos. */
  static int countTokens(String text) {
    return Math.max(1, (text.length() + 3) / 4);
  }
}
