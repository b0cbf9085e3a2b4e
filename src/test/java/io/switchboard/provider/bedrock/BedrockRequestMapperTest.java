package io.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI requests to Converse requests, each checked against the Smithy model's ConverseRequest. */
class BedrockRequestMapperTest {
  static final String CLAUDE = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  static final String NOVA = "amazon.nova-pro-v1:0";
  static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  final List<String> warnings = new ArrayList<>();

  ObjectNode map(String json, String model, UnsupportedParamPolicy policy) throws IOException {
    ObjectNode out = BedrockRequestMapper.toConverseRequest((ObjectNode) Json.parse(json), model, policy, warnings);
    BedrockSmithy.assertValid("ConverseRequest", out);
    return out;
  }

  ObjectNode map(String json) throws IOException {
    return map(json, CLAUDE, UnsupportedParamPolicy.WARN);
  }

  @Test
  void systemAndDeveloperBecomeSystemBlocksAndInferenceConfigIsFilled() throws IOException {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"system","content":"Be brief."},
          {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
          {"role":"user","content":"Hello"}],
         "max_completion_tokens":100,"temperature":0.2,"top_p":0.9,"stop":["END"],"stream":true,
         "stream_options":{"include_usage":true}}""");
    assertThat(out).isEqualTo(Json.parse("""
        {"messages":[{"role":"user","content":[{"text":"Hello"}]}],
         "system":[{"text":"Be brief."},{"text":"Answer in French."}],
         "inferenceConfig":{"maxTokens":100,"temperature":0.2,"topP":0.9,"stopSequences":["END"]}}"""));
    assertThat(warnings).isEmpty();
  }

  @Test
  void maxTokensAndAStringStop() throws IOException {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":7,"stop":"\\n"}""");
    assertThat(out.path("inferenceConfig")).isEqualTo(Json.parse("{\"maxTokens\":7,\"stopSequences\":[\"\\n\"]}"));
  }

  @Test
  void toolsToolCallsAndResultsAlternateAsConverseRequires() throws IOException {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"user","content":"Weather in Paris and Rome?"},
          {"role":"assistant","content":"Checking.","tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
            {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"18C"},
          {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"21C"}]},
          {"role":"user","content":"Thanks"},
          {"role":"user","content":"Which is warmer?"}],
         "tools":[{"type":"function","function":{"name":"weather","description":"Current weather",
           "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
           {"type":"function","function":{"name":"now"}}],
         "tool_choice":"required"}""");
    assertThat(out.path("messages")).isEqualTo(Json.parse("""
        [{"role":"user","content":[{"text":"Weather in Paris and Rome?"}]},
         {"role":"assistant","content":[{"text":"Checking."},
           {"toolUse":{"toolUseId":"call_1","name":"weather","input":{"city":"Paris"}}},
           {"toolUse":{"toolUseId":"call_2","name":"weather","input":{"city":"Rome"}}}]},
         {"role":"user","content":[
           {"toolResult":{"toolUseId":"call_1","content":[{"text":"18C"}]}},
           {"toolResult":{"toolUseId":"call_2","content":[{"text":"21C"}]}},
           {"text":"Thanks"},{"text":"Which is warmer?"}]}]"""));
    assertThat(out.path("toolConfig")).isEqualTo(Json.parse("""
        {"tools":[{"toolSpec":{"name":"weather","description":"Current weather","inputSchema":{"json":
           {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}},
          {"toolSpec":{"name":"now","inputSchema":{"json":{"type":"object","properties":{}}}}}],
         "toolChoice":{"any":{}}}"""));
  }

  @Test
  void toolChoiceFunctionAutoAndNone() throws IOException {
    String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]";
    String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
    assertThat(map("{" + messages + "," + tools + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}")
        .path("toolConfig").path("toolChoice")).isEqualTo(Json.parse("{\"tool\":{\"name\":\"f\"}}"));
    ObjectNode auto = map("{" + messages + "," + tools + ",\"tool_choice\":\"auto\"}");
    assertThat(auto.path("toolConfig").has("tools")).isTrue();
    assertThat(auto.path("toolConfig").has("toolChoice")).as("auto is the default").isFalse();
    assertThat(map("{" + messages + "," + tools + ",\"tool_choice\":\"none\"}").has("toolConfig")).isFalse();
  }

  @Test
  void dataUrlImagesBecomeImageBlocksWithBytes() throws IOException {
    ObjectNode out = map("""
        {"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
          {"type":"image_url","image_url":{"url":"data:image/png;base64,%s"}}]}]}""".formatted(PNG));
    assertThat(out.path("messages").get(0).path("content").get(1))
        .isEqualTo(Json.parse("{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"" + PNG + "\"}}}"));
  }

  @Test
  void remoteImagesAreRefusedNamingTheParameter() {
    assertThatThrownBy(() -> map("""
        {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png"}}]}]}"""))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.param()).isEqualTo("messages[0].content[0].image_url.url");
        });
  }

  @Test
  void unsupportedParametersFollowThePolicy() throws IOException {
    String json = """
        {"messages":[{"role":"user","content":"x"}],"frequency_penalty":0.5,"seed":3,"n":1,"logprobs":true}""";
    map(json);
    assertThat(warnings).containsExactlyInAnyOrder(
        "Parameter 'frequency_penalty' is not supported by bedrock and was dropped.",
        "Parameter 'seed' is not supported by bedrock and was dropped.",
        "Parameter 'logprobs' is not supported by bedrock and was dropped.");
    assertThatThrownBy(() -> map(json, CLAUDE, UnsupportedParamPolicy.REJECT))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("frequency_penalty").contains("bedrock");
        });
  }

  @Test
  void topKGoesToAdditionalFieldsForAnthropicModelsOnly() throws IOException {
    String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_k\":40}";
    assertThat(map(json, "us." + CLAUDE, UnsupportedParamPolicy.REJECT).path("additionalModelRequestFields"))
        .isEqualTo(Json.parse("{\"top_k\":40}"));
    ObjectNode nova = map(json, NOVA, UnsupportedParamPolicy.WARN);
    assertThat(nova.has("additionalModelRequestFields")).isFalse();
    assertThat(warnings).containsExactly("Parameter 'top_k' is not supported by bedrock and was dropped.");
  }

  @Test
  void emptyTextIsLeftOutAndEmptyToolResultsAreAnEmptyDocument() throws IOException {
    ObjectNode out = map("""
        {"messages":[{"role":"user","content":"Hi"},
          {"role":"assistant","content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":""}}]},
          {"role":"tool","tool_call_id":"c","content":""}],
         "tools":[{"type":"function","function":{"name":"f"}}]}""");
    JsonNode messages = out.path("messages");
    assertThat(messages.get(1).path("content")).isEqualTo(Json.parse(
        "[{\"toolUse\":{\"toolUseId\":\"c\",\"name\":\"f\",\"input\":{}}}]"));
    assertThat(messages.get(2).path("content")).isEqualTo(Json.parse(
        "[{\"toolResult\":{\"toolUseId\":\"c\",\"content\":[{\"json\":{}}]}}]"));
  }

  @Test
  void invalidRequestsNameTheParameter() {
    assertThatThrownBy(() -> map("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("max_tokens"));
    assertThatThrownBy(() -> map("{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("messages[0].role"));
    assertThatThrownBy(() -> map("""
        {"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}"""))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.param()).isEqualTo("messages[0].tool_calls[0].function.arguments"));
  }

  @Test
  void theSmithyCheckCatchesAMemberConverseDoesNotHave() throws IOException {
    ObjectNode out = map("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    out.putObject("inferenceConfig").put("max_tokens", 5);
    assertThatThrownBy(() -> BedrockSmithy.assertValid("ConverseRequest", out))
        .hasMessageContaining("$.inferenceConfig.max_tokens: no such member");
    out.remove("inferenceConfig");
    ((ObjectNode) out.path("messages").get(0)).put("role", "system");
    assertThatThrownBy(() -> BedrockSmithy.assertValid("ConverseRequest", out)).hasMessageContaining("is not one of");
  }
}
