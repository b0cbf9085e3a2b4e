package io.switchboard.provider.cohere;

import static io.switchboard.provider.RecordedTraffic.json;
import static io.switchboard.provider.cohere.CohereFixtures.VERCEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.provider.UnsupportedParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CohereEmbeddingsTest {
  private final List<String> warnings = new ArrayList<>();

  private ObjectNode request(String openAi) throws Exception {
    ObjectNode out = CohereEmbeddings.toEmbedRequest((ObjectNode) Json.parse(openAi), "embed-v4.0",
        new UnsupportedParams(UnsupportedParamPolicy.WARN, "cohere", warnings));
    CohereSpec.assertValidEmbedRequest(out);
    return (ObjectNode) Json.parse(Json.string(out)); // numbers as a client would read them

  }

  @Test
  void requestShape() throws Exception {
    assertThat(request("{\"model\":\"e\",\"input\":[\"a\",\"b\"],\"dimensions\":256,\"encoding_format\":\"float\"}"))
        .isEqualTo(Json.parse("""
            {"model":"embed-v4.0","texts":["a","b"],"input_type":"search_document","embedding_types":["float"],
             "output_dimension":256}"""));
    assertThat(request("{\"input\":\"q\",\"input_type\":\"search_query\",\"user\":\"u\"}").path("input_type").asText())
        .isEqualTo("search_query");
    assertThat(warnings).singleElement().asString().contains("user");
  }

  @Test
  void invalidInputs() {
    assertThatThrownBy(() -> request("{\"input\":[[1,2,3]]}")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.param()).isEqualTo("input"));
    assertThatThrownBy(() -> request("{\"input\":\"x\",\"input_type\":\"poem\"}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("input_type"));
    assertThatThrownBy(() -> request("{\"input\":\"x\",\"encoding_format\":\"int8\"}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("encoding_format"));
  }

  @Test
  void recordedResponseAsFloats() throws Exception {
    ObjectNode out = CohereEmbeddings.toOpenAi(json(VERCEL + "cohere-embedding.json"), "embed-english-v3.0", false);
    CreateEmbeddingResponse parsed = ObjectMappers.jsonMapper().readValue(Json.string(out),
        CreateEmbeddingResponse.class).validate();
    assertThat(parsed.data()).hasSize(2);
    assertThat(parsed.data().get(0).embedding()).containsExactly(0.03302002f, 0.020904541f, -0.019744873f, -0.0625f,
        0.04437256f);
    assertThat(parsed.data().get(1).index()).isEqualTo(1);
    assertThat(parsed.model()).isEqualTo("embed-english-v3.0");
    assertThat(parsed.usage().promptTokens()).isEqualTo(10);
    assertThat(parsed.usage().totalTokens()).isEqualTo(10);
  }

  @Test
  void recordedResponseAsBase64IsLittleEndianFloat32() {
    ObjectNode out = CohereEmbeddings.toOpenAi(json(VERCEL + "cohere-embedding.json"), "embed-english-v3.0", true);
    JsonNode embedding = out.path("data").get(1).path("embedding");
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.asText())).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.remaining()).isEqualTo(5 * 4);
    assertThat(bytes.getFloat()).isEqualTo(-0.04660034f);
    assertThat(bytes.getFloat()).isEqualTo(0.00037765503f);
  }
}
