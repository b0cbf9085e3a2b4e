package io.switchboard.provider.cohere;

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
import java.util.Base64;
import java.util.Set;

/**
 * OpenAI embeddings request to Cohere {@code POST /v2/embed} and back. Cohere needs an {@code input_type};
 * it defaults to {@code search_document} and a client may send {@code input_type} itself.
 */
public final class CohereEmbeddings {
  static final String DEFAULT_INPUT_TYPE = "search_document";
  private static final Set<String> INPUT_TYPES =
      Set.of("search_document", "search_query", "classification", "clustering", "image");
  private static final Set<String> MAPPED = Set.of("model", "input", "dimensions", "encoding_format", "input_type");

  private CohereEmbeddings() {}

  public static ObjectNode toEmbedRequest(ObjectNode request, String upstreamModel, UnsupportedParams unsupported) {
    request.properties().forEach(field -> {
      if (!absent(field.getValue()) && !MAPPED.contains(field.getKey())) {
        unsupported.handle(field.getKey());
      }
    });
    ObjectNode out = Json.object();
    out.put("model", upstreamModel);
    out.set("texts", texts(request.get("input")));
    String inputType = DEFAULT_INPUT_TYPE;
    if (!absent(request.get("input_type"))) {
      inputType = text(request.get("input_type"), "input_type");
      if (!INPUT_TYPES.contains(inputType)) {
        throw invalid("input_type", "input_type: \"" + inputType
            + "\" (expected: search_document, search_query, classification, clustering or image)");
      }
    }
    out.put("input_type", inputType);
    out.putArray("embedding_types").add("float");
    if (!absent(request.get("dimensions"))) {
      long dimensions = integer(request.get("dimensions"), "dimensions");
      if (dimensions < 1) {
        throw invalid("dimensions", "dimensions: " + dimensions + " (expected: >= 1)");
      }
      out.put("output_dimension", dimensions);
    }
    encodingFormat(request); // checked here so a bad value fails before the call
    return out;
  }

  /** True when the client asked for base64 (the openai npm client's default). */
  public static boolean base64(ObjectNode request) {
    return "base64".equals(encodingFormat(request));
  }

  private static String encodingFormat(ObjectNode request) {
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

  private static ArrayNode texts(JsonNode input) {
    ArrayNode texts = Json.MAPPER.createArrayNode();
    if (input != null && input.isTextual()) {
      return texts.add(input.textValue());
    }
    if (input == null || !input.isArray() || input.isEmpty()) {
      throw invalid("input", "input: expected a string or a non-empty array of strings");
    }
    for (int i = 0; i < input.size(); i++) {
      if (!input.get(i).isTextual()) {
        // Token arrays are OpenAI tokenizer ids; Cohere embeds text only.
        throw invalid("input", "input[" + i + "]: expected a string (cohere does not accept token arrays)");
      }
      texts.add(input.get(i).textValue());
    }
    return texts;
  }

  /** Cohere's embed answer (by type, or the older floats-only shape) to an OpenAI embedding list. */
  public static ObjectNode toOpenAi(JsonNode response, String model, boolean base64) {
    JsonNode embeddings = response.path("embeddings");
    JsonNode vectors = embeddings.isArray() ? embeddings : embeddings.path("float");
    if (!vectors.isArray()) {
      throw new IllegalArgumentException("expected Cohere embeddings");
    }
    ObjectNode out = Json.object();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (base64) {
        item.put("embedding", encode(vectors.get(i)));
      } else {
        item.set("embedding", vectors.get(i));
      }
    }
    out.put("model", model);
    long tokens = response.path("meta").path("billed_units").path("input_tokens").asLong(0);
    out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return out;
  }

  /** OpenAI's base64 format: the vector as little-endian float32s. */
  private static String encode(JsonNode vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode value : vector) {
      bytes.putFloat(value.floatValue());
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
