package io.switchboard.provider.gemini;

import static io.switchboard.provider.gemini.GeminiSpec.assertValidGenerateContentRequest;
import static io.switchboard.provider.gemini.GeminiStreamMapperTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.provider.UnsupportedParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI requests in, Gemini GenerateContentRequests out, each checked against the Gemini protos. */
class GeminiRequestMapperTest {
  private final List<String> warnings = new ArrayList<>();

  private ObjectNode map(String chat) {
    ObjectNode out = GeminiRequestMapper.toGenerateContentRequest((ObjectNode) parse(chat), UnsupportedParamPolicy.WARN,
        warnings);
    assertValidGenerateContentRequest(out);
    return (ObjectNode) parse(Json.string(out)); // as Gemini reads it: numbers compare by value
  }

  @Test
  void theSpecIsRead() {
    assertThat(GeminiSpec.message("GenerateContentRequest").fields()).containsKeys("contents", "systemInstruction",
        "generationConfig", "tools", "toolConfig");
    assertThat(GeminiSpec.message("GenerationConfig").fields()).containsKeys("responseJsonSchema", "thinkingConfig");
    // a field the spec lacks fails the check: the check can fail
    assertThatThrownBy(() -> assertValidGenerateContentRequest(parse(
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}],\"generationConfig\":{\"max_tokens\":5}}")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("max_tokens");
    assertThatThrownBy(() -> assertValidGenerateContentRequest(parse(
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\",\"inlineData\":{\"mimeType\":\"a\",\"data\":\"b\"}}]}]}")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("oneof");
  }

  @Test
  void systemUserAndAssistantMessages() {
    ObjectNode out = map("""
        {"model":"gemini-2.5-flash","messages":[
          {"role":"system","content":"Be brief."},
          {"role":"developer","content":[{"type":"text","text":"Answer in English."}]},
          {"role":"user","content":"Hi"},
          {"role":"assistant","content":"Hello!"},
          {"role":"user","content":[{"type":"text","text":"What is this?"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
            {"type":"image_url","image_url":{"url":"https://example.com/cat.webp?x=1"}}]}]}""");
    assertThat(out.path("systemInstruction")).isEqualTo(parse(
        "{\"parts\":[{\"text\":\"Be brief.\"},{\"text\":\"Answer in English.\"}]}"));
    assertThat(out.path("contents")).isEqualTo(parse("""
        [{"role":"user","parts":[{"text":"Hi"}]},
         {"role":"model","parts":[{"text":"Hello!"}]},
         {"role":"user","parts":[{"text":"What is this?"},
           {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
           {"fileData":{"mimeType":"image/webp","fileUri":"https://example.com/cat.webp?x=1"}}]}]"""));
    assertThat(out.has("generationConfig")).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void generationConfig() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"Hi"}],"temperature":0.2,"top_p":0.9,
         "max_completion_tokens":100,"max_tokens":50,"stop":["END","STOP"],"n":2,"seed":7,
         "presence_penalty":0.5,"frequency_penalty":-0.5,"reasoning_effort":"low",
         "stream":true,"stream_options":{"include_usage":true}}""");
    assertThat(out.path("generationConfig")).isEqualTo(parse("""
        {"maxOutputTokens":100,"stopSequences":["END","STOP"],"temperature":0.2,"topP":0.9,"presencePenalty":0.5,
         "frequencyPenalty":-0.5,"seed":7,"candidateCount":2,
         "thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}}"""));
    assertThat(warnings).isEmpty();
  }

  @Test
  void responseFormats() {
    ObjectNode json = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"response_format\":{\"type\":\"json_object\"}}");
    assertThat(json.path("generationConfig")).isEqualTo(parse("{\"responseMimeType\":\"application/json\"}"));
    ObjectNode schema = map("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema",
         "json_schema":{"name":"person","strict":true,"schema":{"$schema":"http://json-schema.org/draft-07/schema#",
           "type":"object","additionalProperties":false,"required":["name","age"],
           "properties":{"name":{"type":"string"},"age":{"type":["integer","null"]},
             "tags":{"type":"array","items":{"type":"string","enum":["a","b"]}}}}}}}""");
    assertThat(schema.path("generationConfig")).isEqualTo(parse("""
        {"responseMimeType":"application/json","responseSchema":{"type":"OBJECT",
          "properties":{"name":{"type":"STRING"},"age":{"type":"INTEGER","nullable":true},
            "tags":{"type":"ARRAY","items":{"type":"STRING","enum":["a","b"]}}},"required":["name","age"]}}"""));
  }

  @Test
  void toolsAndToolChoice() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"Weather in Paris?"}],
         "tools":[{"type":"function","function":{"name":"weather","description":"Current weather",
           "parameters":{"type":"object","additionalProperties":false,"$schema":"x",
             "properties":{"city":{"type":"string","description":"City"},
               "unit":{"$ref":"#/$defs/unit"}},"required":["city"],
             "$defs":{"unit":{"type":"string","enum":["c","f"]}}}}},
           {"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}],
         "tool_choice":{"type":"function","function":{"name":"weather"}}}""");
    assertThat(out.path("tools")).isEqualTo(parse("""
        [{"functionDeclarations":[
          {"name":"weather","description":"Current weather","parameters":{"type":"OBJECT",
            "properties":{"city":{"type":"STRING","description":"City"},"unit":{"type":"STRING","enum":["c","f"]}},
            "required":["city"]}},
          {"name":"now","description":""}]}]"""));
    assertThat(out.path("toolConfig")).isEqualTo(parse(
        "{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"weather\"]}}"));
    assertThat(map(withChoice("\"required\"")).path("toolConfig").path("functionCallingConfig").path("mode").asText())
        .isEqualTo("ANY");
    assertThat(map(withChoice("\"none\"")).path("toolConfig").path("functionCallingConfig").path("mode").asText())
        .isEqualTo("NONE");
    assertThat(map(withChoice("\"auto\"")).path("toolConfig").path("functionCallingConfig").path("mode").asText())
        .isEqualTo("AUTO");
  }

  private static String withChoice(String choice) {
    return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\","
        + "\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + choice + "}";
  }

  @Test
  void toolCallsAndResultsRoundTrip() {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"user","content":"Weather in Paris and Rome?"},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"},
             "extra_content":{"google":{"thought_signature":"c2lnbmF0dXJl"}}},
            {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"{\\"temp\\":21}"},
          {"role":"tool","tool_call_id":"call_2","content":"sunny"}]}""");
    assertThat(out.path("contents")).isEqualTo(parse("""
        [{"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
         {"role":"model","parts":[
           {"functionCall":{"name":"weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnbmF0dXJl"},
           {"functionCall":{"name":"weather","args":{"city":"Rome"}}}]},
         {"role":"user","parts":[
           {"functionResponse":{"name":"weather","response":{"temp":21}}},
           {"functionResponse":{"name":"weather","response":{"content":"sunny"}}}]}]"""));
  }

  @Test
  void aCallWithoutItsSignatureGetsTheDocumentedPlaceholder() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"x"},
          {"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"a","content":"ok"}]}""");
    assertThat(out.path("contents").get(1).path("parts").get(0).path("thoughtSignature").asText())
        .isEqualTo("skip_thought_signature_validator");
  }

  @Test
  void aToolResultForAnUnknownCallIsA400() {
    assertThatThrownBy(() -> map("""
        {"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"zz","content":"ok"}]}"""))
        .isInstanceOf(ApiException.class).hasMessageContaining("messages[1].tool_call_id");
  }

  @Test
  void unsupportedParametersFollowThePolicy() {
    String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true,"
        + "\"top_logprobs\":2,\"user\":\"u1\",\"parallel_tool_calls\":true}";
    map(chat);
    assertThat(warnings).hasSize(3).anyMatch(w -> w.contains("'logprobs'")).anyMatch(w -> w.contains("'user'"))
        .anyMatch(w -> w.contains("'top_logprobs'"));
    assertThatThrownBy(() -> GeminiRequestMapper.toGenerateContentRequest((ObjectNode) parse(chat),
        UnsupportedParamPolicy.REJECT, new ArrayList<>()))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("gemini");
        });
    List<String> dropped = new ArrayList<>();
    GeminiRequestMapper.toGenerateContentRequest((ObjectNode) parse(chat), UnsupportedParamPolicy.DROP, dropped);
    assertThat(dropped).isEmpty();
  }

  @Test
  void invalidValuesAre400sNamingTheParameter() {
    assertThatThrownBy(() -> map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("max_tokens"));
    assertThatThrownBy(() -> map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"reasoning_effort\":\"extreme\"}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("reasoning_effort"));
    assertThatThrownBy(() -> map("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("messages"));
  }

  @Test
  void embeddingsRequestAndAnswer() {
    List<String> w = new ArrayList<>();
    ObjectNode request = (ObjectNode) parse(
        "{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"],\"dimensions\":3,\"user\":\"u\"}");
    ObjectNode body = GeminiEmbeddings.toBatchRequest(request, "gemini-embedding-001",
        new UnsupportedParams(UnsupportedParamPolicy.WARN, "gemini", w));
    GeminiSpec.assertValidBatchEmbedContentsRequest(body);
    assertThat(parse(Json.string(body))).isEqualTo(parse("""
        {"requests":[
          {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"outputDimensionality":3},
          {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"outputDimensionality":3}]}"""));
    assertThat(w).singleElement().asString().contains("'user'");
    JsonNode answer = GeminiEmbeddings.toOpenAi(parse(
        "{\"embeddings\":[{\"values\":[0.1,0.2,0.3]},{\"values\":[1.0,0.0,-1.0]}]}"), request, "gemini-embedding-001");
    assertThat(answer).isEqualTo(parse("""
        {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]},
          {"object":"embedding","index":1,"embedding":[1.0,0.0,-1.0]}],"model":"gemini-embedding-001"}"""));
    ObjectNode base64 = (ObjectNode) parse("{\"model\":\"e\",\"input\":\"a\",\"encoding_format\":\"base64\"}");
    JsonNode encoded = GeminiEmbeddings.toOpenAi(parse("{\"embeddings\":[{\"values\":[1.0]}]}"), base64, "e");
    // 1.0f little-endian is 00 00 80 3f
    assertThat(encoded.path("data").get(0).path("embedding").asText()).isEqualTo("AACAPw==");
    assertThatThrownBy(() -> GeminiEmbeddings.toBatchRequest((ObjectNode) parse("{\"model\":\"e\",\"input\":[[1,2]]}"),
        "e", new UnsupportedParams(UnsupportedParamPolicy.WARN, "gemini", w)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("input[0]"));
  }

  @Test
  void modelIdsAreOnePathSegment() {
    assertThat(GeminiProvider.modelId("models/gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
    assertThatThrownBy(() -> GeminiProvider.modelId("../../v1/files")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> GeminiProvider.modelId("gemini?key=x")).isInstanceOf(ApiException.class);
  }
}
