package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.provider.UnsupportedParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class BedrockEmbeddingsTest {

  @Test
  void familiesByModelId() {
    assertThat(BedrockEmbeddings.family("amazon.titan-embed-text-v2:0")).isEqualTo(BedrockEmbeddings.Family.TITAN);
    assertThat(BedrockEmbeddings.family("amazon.titan-embed-text-v1")).isEqualTo(BedrockEmbeddings.Family.TITAN);
    assertThat(BedrockEmbeddings.family("cohere.embed-english-v3")).isEqualTo(BedrockEmbeddings.Family.COHERE);
    assertThat(BedrockEmbeddings.family("us.cohere.embed-v4:0")).isEqualTo(BedrockEmbeddings.Family.COHERE);
    assertThat(BedrockEmbeddings.family("anthropic.claude-3-haiku-20240307-v1:0")).isNull();
  }

  @Test
  void titanAndCohereRequestBodiesMatchTheirInvokeModelFormats() throws IOException {
    JsonNode request = Json.parse("{\"model\":\"m\",\"input\":[\"a\",\"b\"],\"dimensions\":256}");
    assertThat(BedrockEmbeddings.titanRequest("a", request)).isEqualTo(Json.parse("{\"inputText\":\"a\",\"dimensions\":256}"));
    assertThat(BedrockEmbeddings.cohereRequest(BedrockEmbeddings.inputs(request)))
        .isEqualTo(Json.parse("{\"texts\":[\"a\",\"b\"],\"input_type\":\"search_document\"}"));
  }

  @Test
  void cohereVectorsComeAsAListOrByType() throws IOException {
    assertThat(BedrockEmbeddings.cohereVectors(Json.parse(
        "{\"id\":\"x\",\"response_type\":\"embeddings_floats\",\"texts\":[\"a\"],\"embeddings\":[[0.1,0.2]]}")))
        .isEqualTo(Json.parse("[[0.1,0.2]]"));
    assertThat(BedrockEmbeddings.cohereVectors(Json.parse(
        "{\"response_type\":\"embeddings_by_type\",\"embeddings\":{\"float\":[[0.3]]}}")))
        .isEqualTo(Json.parse("[[0.3]]"));
    assertThatThrownBy(() -> BedrockEmbeddings.cohereVectors(Json.parse("{\"message\":\"x\"}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void base64IsLittleEndianFloat32AsOpenAiSends() throws IOException {
    List<JsonNode> vectors = List.of(Json.parse("[0.5,-2.0]"));
    ObjectNode out = BedrockEmbeddings.toOpenAi(vectors, 3, "amazon.titan-embed-text-v2:0", true);
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(out.path("data").get(0).path("embedding").asText()))
        .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.getFloat()).isEqualTo(0.5f);
    assertThat(bytes.getFloat()).isEqualTo(-2.0f);
    assertThat(out.path("usage").path("prompt_tokens").asLong()).isEqualTo(3);
    assertThat(out.path("usage").path("total_tokens").asLong()).isEqualTo(3);
    assertThat(BedrockEmbeddings.toOpenAi(vectors, 3, "m", false).path("data").get(0).path("embedding"))
        .isEqualTo(Json.parse("[0.5,-2.0]"));
  }

  @Test
  void tokenInputsAreRefusedAndUnsupportedParametersFollowThePolicy() throws IOException {
    assertThatThrownBy(() -> BedrockEmbeddings.inputs(Json.parse("{\"input\":[[1,2,3]]}")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("input[0]"));
    List<String> warnings = new ArrayList<>();
    BedrockEmbeddings.checkParams(Json.parse("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":8,\"user\":\"u\"}"),
        BedrockEmbeddings.Family.COHERE, new UnsupportedParams(UnsupportedParamPolicy.WARN, "bedrock", warnings));
    assertThat(warnings).hasSize(2).anySatisfy(w -> assertThat(w).contains("'dimensions'"))
        .anySatisfy(w -> assertThat(w).contains("'user'"));
  }
}
