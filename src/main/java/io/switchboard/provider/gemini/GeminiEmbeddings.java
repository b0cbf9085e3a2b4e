package io.switchboard.provider.gemini;

import static io.switchboard.provider.Requests.absent;
import static io.switchboard.provider.Requests.integer;
import static io.switchboard.provider.Requests.invalid;
import static io.switchboard.provider.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.UnsupportedParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** OpenAI embeddings request to Gemini {@code batchEmbedContents}, and its answer back. Pure: no I/O. */
public final class GeminiEmbeddings {
  private static final Set<String> MAPPED = Set.of("model", "input", "dimensions", "encoding_format");

  private GeminiEmbeddings() {}

  /** The texts of OpenAI's {@code input}: a string or a list of strings (token arrays Gemini cannot read). */
  public static List<String> inputs(JsonNode input) {
    List<String> texts = new ArrayList<>();
    if (input != null && input.isTextual()) {
      texts.add(input.textValue());
      return texts;
    }
    if (input == null || !input.isArray() || input.isEmpty()) {
      throw invalid("input", "input: expected a string or a non-empty array of strings");
    }
    for (int i = 0; i < input.size(); i++) {
      if (!input.get(i).isTextual()) {
        throw invalid("input[" + i + "]", "input[" + i + "]: expected a string (gemini does not take token arrays)");
      }
      texts.add(input.get(i).textValue());
    }
    return texts;
  }

  public static ObjectNode toBatchRequest(ObjectNode request, String model, UnsupportedParams unsupported) {
    Long outputDimensionality = checkParameters(request, unsupported);
    ObjectNode out = Json.object();
    ArrayNode requests = out.putArray("requests");
    for (String text : inputs(request.get("input"))) {
      ObjectNode one = requests.addObject();
      one.put("model", "models/" + model);
      one.putObject("content").putArray("parts").addObject().put("text", text);
      if (outputDimensionality != null) {
        one.put("outputDimensionality", outputDimensionality);
      }
    }
    return out;
  }

  /**
   * Checks the OpenAI embeddings parameters Google's embedding APIs share (everything but {@code model},
   * {@code input}, {@code dimensions} and {@code encoding_format} goes to {@code unsupported}) and returns
   * {@code dimensions} as the output dimensionality, or null when absent.
   */
  public static Long checkParameters(ObjectNode request, UnsupportedParams unsupported) {
    request.properties().forEach(field -> {
      if (!absent(field.getValue()) && !MAPPED.contains(field.getKey())) {
        unsupported.handle(field.getKey());
      }
    });
    JsonNode dimensions = request.get("dimensions");
    Long outputDimensionality = absent(dimensions) ? null : integer(dimensions, "dimensions");
    if (outputDimensionality != null && outputDimensionality < 1) {
      throw invalid("dimensions", "dimensions: " + outputDimensionality + " (expected: >= 1)");
    }
    encoding(request);
    return outputDimensionality;
  }

  /** OpenAI's embedding list; {@code usage} only when Gemini counted tokens (AI Studio does not). */
  public static ObjectNode toOpenAi(JsonNode response, ObjectNode request, String model) {
    JsonNode embeddings = response.path("embeddings");
    if (!embeddings.isArray()) {
      throw new IllegalArgumentException("expected a Gemini BatchEmbedContentsResponse");
    }
    List<JsonNode> vectors = new ArrayList<>();
    embeddings.forEach(e -> vectors.add(e.path("values")));
    JsonNode usage = response.path("usageMetadata");
    Long tokens = usage.has("promptTokenCount") ? usage.get("promptTokenCount").asLong() : null;
    return embeddingList(vectors, request, model, tokens);
  }

  /**
   * OpenAI's embedding list of {@code vectors} (JSON arrays of numbers), in the request's
   * {@code encoding_format}; {@code usage} only when {@code promptTokens} is known.
   */
  public static ObjectNode embeddingList(List<JsonNode> vectors, ObjectNode request, String model, Long promptTokens) {
    boolean base64 = "base64".equals(encoding(request));
    ObjectNode out = Json.object();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      JsonNode values = vectors.get(i);
      if (base64) {
        item.put("embedding", base64(values));
      } else {
        item.set("embedding", values);
      }
    }
    out.put("model", model);
    if (promptTokens != null) {
      out.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
    }
    return out;
  }

  private static String encoding(JsonNode request) {
    JsonNode format = request.get("encoding_format");
    if (absent(format)) {
      return "float";
    }
    String value = text(format, "encoding_format");
    if (!value.equals("float") && !value.equals("base64")) {
      throw invalid("encoding_format", "encoding_format: \"" + value + "\" (expected: float or base64)");
    }
    return value;
  }

  /** OpenAI's base64 form: the vector as little-endian float32s. */
  private static String base64(JsonNode values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(v -> bytes.putFloat(v.floatValue()));
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
