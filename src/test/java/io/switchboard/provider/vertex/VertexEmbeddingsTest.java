package io.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.provider.UnsupportedParams;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OpenAI embeddings to Vertex AI's text embeddings {@code :predict} and back. The Vertex shapes are those of
 * the Vertex AI REST reference (text embeddings API): {@code instances[].content},
 * {@code parameters.outputDimensionality}, {@code predictions[].embeddings.{values,statistics.token_count}}.
 */
class VertexEmbeddingsTest {
  /** A predict answer as the reference documents it: two texts, with statistics and billing metadata. */
  static final String ANSWER = """
      {"predictions":[
        {"embeddings":{"statistics":{"truncated":false,"token_count":6},"values":[0.5,-0.25,0.125]}},
        {"embeddings":{"statistics":{"truncated":false,"token_count":4},"values":[1.0,0.0,-1.5]}}],
       "metadata":{"billableCharacterCount":30}}""";

  static ObjectNode parse(String json) {
    return (ObjectNode) Json.parseOrNull(Buffer.buffer(json));
  }

  /** The JSON as Jackson writes it, so that 256 and 256L, 1.0f and 1.0 compare alike. */
  static String compact(String json) {
    return parse(json).toString();
  }

  static ObjectNode request(String json, List<String> warnings, UnsupportedParamPolicy policy) {
    return VertexEmbeddings.toPredictRequest(parse(json), new UnsupportedParams(policy, "vertex-ai", warnings));
  }

  @Test
  void aListOfTextsWithDimensions() {
    List<String> warnings = new ArrayList<>();
    ObjectNode body = request("{\"model\":\"text-embedding-005\",\"input\":[\"first text\",\"second\"],"
        + "\"dimensions\":256,\"encoding_format\":\"float\"}", warnings, UnsupportedParamPolicy.WARN);

    assertThat(body.toString()).isEqualTo(compact("""
        {"instances":[{"content":"first text"},{"content":"second"}],"parameters":{"outputDimensionality":256}}"""));
    assertThat(warnings).isEmpty();
  }

  @Test
  void aSingleStringWithoutParameters() {
    ObjectNode body = request("{\"model\":\"gemini-embedding-001\",\"input\":\"hello\"}", new ArrayList<>(),
        UnsupportedParamPolicy.WARN);

    assertThat(body.toString()).isEqualTo("{\"instances\":[{\"content\":\"hello\"}]}");
  }

  @Test
  void unsupportedParametersFollowThePolicyAndBadInputsAre400s() {
    List<String> warnings = new ArrayList<>();
    ObjectNode body = request("{\"model\":\"m\",\"input\":\"x\",\"user\":\"u-1\"}", warnings,
        UnsupportedParamPolicy.WARN);
    assertThat(body.has("user")).isFalse();
    assertThat(warnings).singleElement().asString().contains("user").contains("vertex-ai");

    assertThatThrownBy(() -> request("{\"model\":\"m\",\"input\":\"x\",\"user\":\"u-1\"}", new ArrayList<>(),
        UnsupportedParamPolicy.REJECT))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("user"));
    assertThatThrownBy(() -> request("{\"model\":\"m\",\"input\":[[1,2]]}", new ArrayList<>(),
        UnsupportedParamPolicy.WARN))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("input[0]"));
    assertThatThrownBy(() -> request("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}", new ArrayList<>(),
        UnsupportedParamPolicy.WARN))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("dimensions"));
    assertThatThrownBy(() -> request("{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"int8\"}",
        new ArrayList<>(), UnsupportedParamPolicy.WARN))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("encoding_format"));
  }

  @Test
  void theAnswerAsAnOpenAiListWithSummedTokenCounts() {
    ObjectNode out = VertexEmbeddings.toOpenAi(parse(ANSWER), parse("{\"input\":[\"a\",\"b\"]}"),
        "text-embedding-005");

    assertThat(out.toString()).isEqualTo(compact("""
        {"object":"list",
         "data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25,0.125]},
                 {"object":"embedding","index":1,"embedding":[1.0,0.0,-1.5]}],
         "model":"text-embedding-005",
         "usage":{"prompt_tokens":10,"total_tokens":10}}"""));
  }

  @Test
  void base64IsLittleEndianFloat32() {
    ObjectNode out = VertexEmbeddings.toOpenAi(parse(ANSWER),
        parse("{\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}"), "text-embedding-005");

    // 0.5f = 00 00 00 3F, -0.25f = 00 00 80 BE, 0.125f = 00 00 00 3E
    assertThat(out.at("/data/0/embedding").asText()).isEqualTo("AAAAPwAAgL4AAAA+");
    // 1.0f = 00 00 80 3F, 0.0f = 00 00 00 00, -1.5f = 00 00 C0 BF
    assertThat(out.at("/data/1/embedding").asText()).isEqualTo("AACAPwAAAAAAAMC/");
  }

  @Test
  void noStatisticsMeansNoUsage() {
    ObjectNode out = VertexEmbeddings.toOpenAi(parse("{\"predictions\":[{\"embeddings\":{\"values\":[0.5]}}]}"),
        parse("{\"input\":\"a\"}"), "m");

    assertThat(out.has("usage")).isFalse();
    assertThat(out.at("/data/0/embedding/0").asDouble()).isEqualTo(0.5);
  }

  @Test
  void anAnswerWithoutVectorsIsRefused() {
    assertThatThrownBy(() -> VertexEmbeddings.toOpenAi(parse("{\"candidates\":[]}"), parse("{}"), "m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VertexEmbeddings.toOpenAi(parse("{\"predictions\":[{\"embeddings\":{}}]}"),
        parse("{}"), "m"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
