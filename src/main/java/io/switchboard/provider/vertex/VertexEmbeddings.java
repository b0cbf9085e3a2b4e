package io.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.gemini.GeminiEmbeddings;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI embeddings request to Vertex AI's text embeddings {@code :predict} ({@code instances[].content},
 * {@code parameters.outputDimensionality}), and its answer ({@code predictions[].embeddings.values}) back.
 * Input and parameter checks and the OpenAI list are the Gemini adapter's. Pure: no I/O.
 */
final class VertexEmbeddings {
  private VertexEmbeddings() {}

  static ObjectNode toPredictRequest(ObjectNode request, UnsupportedParams unsupported) {
    Long outputDimensionality = GeminiEmbeddings.checkParameters(request, unsupported);
    ObjectNode out = Json.object();
    ArrayNode instances = out.putArray("instances");
    for (String text : GeminiEmbeddings.inputs(request.get("input"))) {
      instances.addObject().put("content", text);
    }
    if (outputDimensionality != null) {
      out.putObject("parameters").put("outputDimensionality", outputDimensionality);
    }
    return out;
  }

  /** OpenAI's embedding list; usage is the sum of each prediction's {@code statistics.token_count}. */
  static ObjectNode toOpenAi(JsonNode response, ObjectNode request, String model) {
    JsonNode predictions = response.path("predictions");
    if (!predictions.isArray()) {
      throw new IllegalArgumentException("expected a Vertex AI PredictResponse with predictions");
    }
    List<JsonNode> vectors = new ArrayList<>();
    Long tokens = null;
    for (JsonNode prediction : predictions) {
      JsonNode embeddings = prediction.path("embeddings");
      JsonNode values = embeddings.path("values");
      if (!values.isArray()) {
        throw new IllegalArgumentException("expected predictions[].embeddings.values in a Vertex AI PredictResponse");
      }
      vectors.add(values);
      JsonNode count = embeddings.path("statistics").path("token_count");
      if (count.isNumber()) {
        tokens = (tokens == null ? 0 : tokens) + count.asLong();
      }
    }
    return GeminiEmbeddings.embeddingList(vectors, request, model, tokens);
  }
}
