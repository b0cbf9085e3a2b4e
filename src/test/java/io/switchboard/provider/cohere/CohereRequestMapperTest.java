package io.switchboard.provider.cohere;

import static io.switchboard.provider.cohere.CohereSpec.assertValidChatRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI chat requests to Cohere v2 chat requests, each checked against Cohere's published request schema. */
class CohereRequestMapperTest {
  private final List<String> warnings = new ArrayList<>();

  private ObjectNode map(String openAi, UnsupportedParamPolicy policy) throws Exception {
    ObjectNode out = CohereRequestMapper.toChatRequest((ObjectNode) Json.parse(openAi), "command-a-03-2025", policy,
        warnings);
    assertValidChatRequest(out);
    return (ObjectNode) Json.parse(Json.string(out)); // numbers as a client would read them

  }

  private ObjectNode map(String openAi) throws Exception {
    return map(openAi, UnsupportedParamPolicy.REJECT);
  }

  @Test
  void simpleChatWithSamplingParameters() throws Exception {
    ObjectNode out = map("""
        {"model":"gpt-public","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
         "max_tokens":64,"temperature":0.3,"top_p":0.9,"stop":"END","seed":7,"frequency_penalty":0.1,
         "presence_penalty":0.2,"stream":true,"stream_options":{"include_usage":true},"n":1}""");
    assertThat(out).isEqualTo(Json.parse("""
        {"model":"command-a-03-2025",
         "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
         "stream":true,"max_tokens":64,"stop_sequences":["END"],"temperature":0.3,"p":0.9,
         "frequency_penalty":0.1,"presence_penalty":0.2,"seed":7}"""));
  }

  @Test
  void maxCompletionTokensWinsAndDeveloperIsSystem() throws Exception {
    ObjectNode out = map("""
        {"messages":[{"role":"developer","content":[{"type":"text","text":"Rules"}]},{"role":"user","content":"x"}],
         "max_tokens":10,"max_completion_tokens":20,"stop":["a","b"],"top_k":5}""");
    assertThat(out.path("max_tokens").asInt()).isEqualTo(20);
    assertThat(out.path("messages").get(0)).isEqualTo(Json.parse(
        "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Rules\"}]}"));
    assertThat(out.path("stop_sequences")).isEqualTo(Json.parse("[\"a\",\"b\"]"));
    assertThat(out.path("k").asInt()).isEqualTo(5);
  }

  @Test
  void toolConversation() throws Exception {
    ObjectNode out = map("""
        {"messages":[
          {"role":"user","content":[{"type":"text","text":"Weather?"},
            {"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
            "function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"sunny"},
          {"role":"assistant","content":"It is sunny."}],
         "tools":[{"type":"function","function":{"name":"weather","description":"Weather by city",
            "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
          {"type":"function","function":{"name":"now"}}],
         "tool_choice":"required"}""");
    assertThat(out.path("messages")).isEqualTo(Json.parse("""
        [{"role":"user","content":[{"type":"text","text":"Weather?"},
            {"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},
         {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
            "function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
         {"role":"tool","tool_call_id":"call_1","content":"sunny"},
         {"role":"assistant","content":"It is sunny."}]"""));
    assertThat(out.path("tools")).isEqualTo(Json.parse("""
        [{"type":"function","function":{"name":"weather","description":"Weather by city",
            "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
         {"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]"""));
    assertThat(out.path("tool_choice").asText()).isEqualTo("REQUIRED");
    assertThat(out.has("strict_tools")).isFalse();
  }

  @Test
  void toolChoiceNoneAutoAndStrictTools() throws Exception {
    String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"strict\":true,\"parameters\":{\"type\":\"object\"}}}]";
    ObjectNode none = map("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":" + tools
        + ",\"tool_choice\":\"none\"}");
    assertThat(none.path("tool_choice").asText()).isEqualTo("NONE");
    assertThat(none.path("strict_tools").asBoolean()).isTrue();
    ObjectNode auto = map("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":" + tools
        + ",\"tool_choice\":\"auto\"}");
    assertThat(auto.has("tool_choice")).isFalse();
  }

  @Test
  void aNamedToolChoiceFollowsThePolicy() throws Exception {
    String request = """
        {"messages":[{"role":"user","content":"x"}],
         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
         "tool_choice":{"type":"function","function":{"name":"f"}}}""";
    assertThatThrownBy(() -> map(request)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.param()).isEqualTo("tool_choice");
      assertThat(e.getMessage()).contains("cohere");
    });
    ObjectNode out = map(request, UnsupportedParamPolicy.WARN);
    assertThat(out.has("tool_choice")).isFalse();
    assertThat(warnings).singleElement().asString().contains("tool_choice");
  }

  @Test
  void responseFormats() throws Exception {
    ObjectNode json = map("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"response_format\":{\"type\":\"json_object\"}}");
    assertThat(json.path("response_format")).isEqualTo(Json.parse("{\"type\":\"json_object\"}"));
    ObjectNode schema = map("""
        {"messages":[{"role":"user","content":"x"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"r","strict":true,
           "schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}}""");
    assertThat(schema.path("response_format")).isEqualTo(Json.parse("""
        {"type":"json_object","json_schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}"""));
    ObjectNode text = map("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"response_format\":{\"type\":\"text\"}}");
    assertThat(text.has("response_format")).isFalse();
  }

  @Test
  void unsupportedParametersFollowThePolicy() throws Exception {
    String request = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logit_bias\":{\"1\":2},\"n\":2,"
        + "\"user\":\"u1\",\"parallel_tool_calls\":false}";
    assertThatThrownBy(() -> map(request)).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.param()).isIn("logit_bias", "n", "user", "parallel_tool_calls"));
    ObjectNode out = map(request, UnsupportedParamPolicy.WARN);
    assertThat(warnings).hasSize(4);
    assertThat(out.has("logit_bias")).isFalse();
    warnings.clear();
    map(request, UnsupportedParamPolicy.DROP);
    assertThat(warnings).isEmpty();
  }

  @Test
  void defaultsOfUnsupportedParametersAreNoOps() throws Exception {
    map("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":1,\"parallel_tool_calls\":true,"
        + "\"logprobs\":false,\"stream_options\":{\"include_usage\":true},\"temperature\":null}");
    assertThat(warnings).isEmpty();
  }

  @Test
  void invalidRequestsAre400sNamingTheParameter() {
    assertInvalid("{\"messages\":[]}", "messages");
    assertInvalid("{\"messages\":[{\"role\":\"function\",\"content\":\"x\"}]}", "messages[0].role");
    assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}",
        "messages[0].content[0].type");
    assertInvalid("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].tool_call_id");
    assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}", "max_tokens");
    assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "temperature");
    assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"any\"}", "tool_choice");
    assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"web_search\"}]}",
        "tools[0].type");
  }

  private void assertInvalid(String request, String param) {
    assertThatThrownBy(() -> map(request)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.param()).isEqualTo(param);
    });
  }

  @Test
  void specCheckerRejectsWhatCohereWouldNot() throws Exception {
    JsonNode bad = Json.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_p\":1}");
    assertThatThrownBy(() -> assertValidChatRequest(bad)).isInstanceOf(AssertionError.class);
    JsonNode badChoice = Json.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"tool_choice\":\"required\"}");
    assertThatThrownBy(() -> assertValidChatRequest(badChoice)).isInstanceOf(AssertionError.class);
  }
}
