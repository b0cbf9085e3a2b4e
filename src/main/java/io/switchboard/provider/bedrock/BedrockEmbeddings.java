package io.switchboard.provider.bedrock;

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

/**
 * OpenAI embeddings through InvokeModel: Titan text embeddings take one text per call
 * ({@code {inputText, dimensions}}), Cohere's take a list ({@code {texts, input_type}}). Pure: no I/O.
 */
final class BedrockEmbeddings {
  enum Family { TITAN, COHERE }

  private static final Set<String> FIELDS = Set.of("model", "input", "dimensions", "encoding_format");

  private BedrockEmbeddings() {}

  /** The family of an embedding model id (an inference-profile prefix such as "us." allowed), or null. */
  static Family family(String model) {
    String id = model.replaceFirst("^(us|eu|apac|global|us-gov)\\.", "");
    if (id.startsWith("amazon.titan-embed-text") || id.startsWith("amazon.titan-embed-g1-text")) {
      return Family.TITAN;
    }
    if (id.startsWith("cohere.embed-")) {
      return Family.COHERE;
    }
    return null;
  }

  /** The client's inputs as texts; token-id inputs have no Bedrock equivalent. */
  static List<String> inputs(JsonNode request) {
    JsonNode input = request.get("input");
    if (input != null && input.isTextual()) {
      return List.of(input.textValue());
    }
    if (input == null || !input.isArray() || input.isEmpty()) {
      throw invalid("input", "input: expected a string or a non-empty array of strings");
    }
    List<String> texts = new ArrayList<>(input.size());
    for (int i = 0; i < input.size(); i++) {
      if (!input.get(i).isTextual()) {
        throw invalid("input[" + i + "]", "input[" + i + "]: bedrock embeds text only (expected: a string)");
      }
      texts.add(input.get(i).textValue());
    }
    return texts;
  }

  /** Applies the unsupported-parameter policy to what neither family takes. */
  static void checkParams(JsonNode request, Family family, UnsupportedParams unsupported) {
    request.properties().forEach(field -> {
      if (absent(field.getValue())) {
        return;
      }
      boolean dimensionsUnsupported = field.getKey().equals("dimensions") && family == Family.COHERE;
      if (!FIELDS.contains(field.getKey()) || dimensionsUnsupported) {
        unsupported.handle(field.getKey());
      }
    });
    JsonNode format = request.get("encoding_format");
    if (!absent(format) && !Set.of("float", "base64").contains(text(format, "encoding_format"))) {
      throw invalid("encoding_format", "encoding_format: \"" + format.asText() + "\" (expected: float or base64)");
    }
  }

  static ObjectNode titanRequest(String text, JsonNode request) {
    ObjectNode body = Json.object();
    body.put("inputText", text);
    JsonNode dimensions = request.get("dimensions");
    if (!absent(dimensions)) {
      integer(dimensions, "dimensions");
      body.set("dimensions", dimensions); // v2: 256, 512 or 1024; Bedrock judges
    }
    return body;
  }

  static ObjectNode cohereRequest(List<String> texts) {
    ObjectNode body = Json.object();
    texts.forEach(body.putArray("texts")::add);
    // OpenAI has no input type; documents are what an embeddings call is mostly for.
    body.put("input_type", "search_document");
    return body;
  }

  /** A Titan answer's vector, checked; throws when the body is not one. */
  static JsonNode titanVector(JsonNode response) {
    JsonNode vector = response == null ? null : response.get("embedding");
    if (vector == null || !vector.isArray()) {
      throw new IllegalArgumentException("expected a Titan embedding response");
    }
    return response;
  }

  /** Cohere's vectors: a list of float lists, or by type ({@code {"float": [...]}}) in newer models. */
  static JsonNode cohereVectors(JsonNode response) {
    JsonNode embeddings = response == null ? null : response.get("embeddings");
    if (embeddings != null && embeddings.isObject()) {
      embeddings = embeddings.get("float");
    }
    if (embeddings == null || !embeddings.isArray()) {
      throw new IllegalArgumentException("expected a Cohere embedding response");
    }
    return embeddings;
  }

  /** The OpenAI embedding list of {@code vectors} in input order. */
  static ObjectNode toOpenAi(List<JsonNode> vectors, long promptTokens, String model, boolean base64) {
    ObjectNode out = Json.object();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      JsonNode vector = vectors.get(i);
      if (base64) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(v -> bytes.putFloat(v.floatValue()));
        item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
      } else {
        item.set("embedding", vector);
      }
    }
    out.put("model", model);
    out.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
    return out;
  }
}
