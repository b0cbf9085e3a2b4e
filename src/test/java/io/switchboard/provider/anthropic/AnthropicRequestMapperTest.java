package io.switchboard.provider.anthropic;

import static io.switchboard.provider.anthropic.AnthropicSpec.assertValidCreateMessageParams;
import static io.switchboard.provider.anthropic.AnthropicStreamMapperTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.UnsupportedParamPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnthropicRequestMapperTest {
  private static final String MODEL = "claude-sonnet-4-5-20250929";
  private final List<String> warnings = new ArrayList<>();

  @Test
  void minimalRequest() {
    ObjectNode out = map("""
        {"model":"my-alias","messages":[{"role":"user","content":"Hello"}]}""");
    assertThat(out).isEqualTo(json("""
        {"model":"claude-sonnet-4-5-20250929",
         "messages":[{"role":"user","content":[{"type":"text","text":"Hello"}]}],
         "max_tokens":4096}"""));
    assertThat(warnings).isEmpty();
  }

  @Test
  void systemAndDeveloperMessagesBecomeTopLevelSystem() {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"system","content":"Be brief."},
          {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
          {"role":"user","content":"Hi"}]}""");
    assertThat(out.get("system")).isEqualTo(json("\"Be brief.\\n\\nAnswer in French.\""));
    assertThat(out.path("messages")).hasSize(1);
  }

  @Test
  void systemWithCacheControlStaysAnArrayOfBlocks() {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"system","content":[{"type":"text","text":"Long context","cache_control":{"type":"ephemeral"}}]},
          {"role":"user","content":"Hi"}]}""");
    assertThat(out.get("system")).isEqualTo(json("""
        [{"type":"text","text":"Long context","cache_control":{"type":"ephemeral"}}]"""));
  }

  @Test
  void consecutiveSameRoleMessagesAreMerged() {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"user","content":"one"},
          {"role":"user","content":[{"type":"text","text":"two"}]},
          {"role":"assistant","content":"three"},
          {"role":"assistant","content":"four"},
          {"role":"user","content":"five"}]}""");
    assertThat(out.get("messages")).isEqualTo(json("""
        [{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
         {"role":"assistant","content":[{"type":"text","text":"three"},{"type":"text","text":"four"}]},
         {"role":"user","content":[{"type":"text","text":"five"}]}]"""));
  }

  @Test
  void toolRoundTrip() {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"user","content":"Weather in Paris and Rome?"},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
            {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"18C"},
          {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"21C"}]},
          {"role":"user","content":"Thanks, and tomorrow?"}]}""");
    assertThat(out.get("messages")).isEqualTo(json("""
        [{"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"}]},
         {"role":"assistant","content":[
           {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
           {"type":"tool_use","id":"call_2","name":"get_weather","input":{"city":"Rome"}}]},
         {"role":"user","content":[
           {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
           {"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"21C"}]},
           {"type":"text","text":"Thanks, and tomorrow?"}]}]"""));
  }

  @Test
  void assistantTextBeforeToolCallsAndEmptyTextDropped() {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"user","content":"x"},
          {"role":"assistant","content":"","tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"noop","arguments":""}}]},
          {"role":"tool","tool_call_id":"call_1","content":"done"},
          {"role":"assistant","content":[{"type":"text","text":"Let me check."}],"tool_calls":[
            {"id":"call_2","type":"function","function":{"name":"noop","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_2","content":""}]}""");
    assertThat(out.path("messages").get(1)).isEqualTo(json("""
        {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"noop","input":{}}]}"""));
    assertThat(out.path("messages").get(3)).isEqualTo(json("""
        {"role":"assistant","content":[{"type":"text","text":"Let me check."},
          {"type":"tool_use","id":"call_2","name":"noop","input":{}}]}"""));
    assertThat(out.path("messages").get(4)).isEqualTo(json("""
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_2"}]}"""));
  }

  @Test
  void toolResultsAreMovedAheadOfTextInAMergedUserTurn() {
    ObjectNode out = map("""
        {"model":"m","messages":[
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
          {"role":"user","content":"By the way..."},
          {"role":"tool","tool_call_id":"call_1","content":"ok"}]}""");
    assertThat(out.path("messages").get(1).path("content").findValuesAsText("type"))
        .containsExactly("tool_result", "text");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1,2]", "42"})
  void invalidToolCallArgumentsAre400(String arguments) {
    ObjectNode chat = (ObjectNode) json("""
        {"model":"m","messages":[{"role":"user","content":"x"},
          {"role":"assistant","tool_calls":[
            {"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},
            {"id":"b","type":"function","function":{"name":"f","arguments":"PLACEHOLDER"}}]}]}""");
    ((ObjectNode) chat.at("/messages/1/tool_calls/1/function")).put("arguments", arguments);
    assertBadRequest(chat, "messages[1].tool_calls[1].function.arguments");
  }

  @Test
  void images() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":[
          {"type":"text","text":"What is in these?"},
          {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
          {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}""");
    assertThat(out.at("/messages/0/content")).isEqualTo(json("""
        [{"type":"text","text":"What is in these?"},
         {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
         {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]"""));
  }

  @Test
  void unsupportedImageUrlIs400() {
    assertBadRequest(chat("""
        {"model":"m","messages":[{"role":"user","content":[
          {"type":"image_url","image_url":{"url":"ftp://example.com/cat.jpg"}}]}]}"""),
        "messages[0].content[0].image_url.url");
  }

  @Test
  void unsupportedContentPartIs400() {
    assertBadRequest(chat("""
        {"model":"m","messages":[{"role":"user","content":[
          {"type":"input_audio","input_audio":{"data":"AAA=","format":"wav"}}]}]}"""),
        "messages[0].content[0].type");
  }

  @Test
  void samplingAndLimits() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"x"}],
         "max_completion_tokens":100,"max_tokens":50,"temperature":0.7,"top_p":0.95,"top_k":40,
         "stop":"END","stream":true,"stream_options":{"include_usage":true},"n":1,"user":"user-42"}""");
    assertThat(out.get("max_tokens").asLong()).isEqualTo(100);
    assertThat(out.get("temperature").decimalValue()).isEqualByComparingTo("0.7");
    assertThat(out.get("top_p").decimalValue()).isEqualByComparingTo("0.95");
    assertThat(out.get("top_k").asInt()).isEqualTo(40);
    assertThat(out.get("stop_sequences")).isEqualTo(json("[\"END\"]"));
    assertThat(out.get("stream").asBoolean()).isTrue();
    assertThat(out.get("metadata")).isEqualTo(json("{\"user_id\":\"user-42\"}"));
    assertThat(out.has("stream_options")).isFalse();
    assertThat(out.has("n")).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void maxTokensAndStopArray() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":50,"stop":["a","b"]}""");
    assertThat(out.get("max_tokens").asLong()).isEqualTo(50);
    assertThat(out.get("stop_sequences")).isEqualTo(json("[\"a\",\"b\"]"));
  }

  @Test
  void outOfRangeTemperatureIsPassedOnNotClamped() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"temperature":1.5}""");
    assertThat(out.get("temperature").decimalValue()).isEqualByComparingTo("1.5");
  }

  @Test
  void wrongTypesAre400() {
    assertBadRequest(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}"),
        "temperature");
    assertBadRequest(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1.5}"),
        "max_tokens");
    assertBadRequest(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}"),
        "max_tokens");
    assertBadRequest(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[1]}"),
        "stop[0]");
    assertBadRequest(chat("{\"model\":\"m\",\"messages\":\"hi\"}"), "messages");
    assertBadRequest(chat("{\"model\":\"m\",\"messages\":[]}"), "messages");
    assertBadRequest(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"),
        "messages[0].role");
  }

  @Test
  void toolsAndDefaults() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"tools":[
          {"type":"function","function":{"name":"get_weather","description":"Weather for a city",
            "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
          {"type":"function","function":{"name":"ping"}}]}""");
    assertThat(out.get("tools")).isEqualTo(json("""
        [{"name":"get_weather","description":"Weather for a city",
          "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
         {"name":"ping","input_schema":{"type":"object","properties":{}}}]"""));
    assertThat(out.get("tool_choice")).isEqualTo(json("{\"type\":\"auto\"}"));
  }

  @Test
  void toolChoiceVariants() {
    assertThat(toolChoice("\"auto\"", null)).isEqualTo(json("{\"type\":\"auto\"}"));
    assertThat(toolChoice("\"required\"", null)).isEqualTo(json("{\"type\":\"any\"}"));
    assertThat(toolChoice("\"none\"", null)).isEqualTo(json("{\"type\":\"none\"}"));
    assertThat(toolChoice("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", null))
        .isEqualTo(json("{\"type\":\"tool\",\"name\":\"f\"}"));
  }

  @Test
  void parallelToolCallsFalseDisablesParallelToolUse() {
    assertThat(toolChoice(null, false)).isEqualTo(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
    assertThat(toolChoice("\"required\"", false))
        .isEqualTo(json("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"));
    assertThat(toolChoice("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", false))
        .isEqualTo(json("{\"type\":\"tool\",\"name\":\"f\",\"disable_parallel_tool_use\":true}"));
    // ToolChoiceNone allows no other field.
    assertThat(toolChoice("\"none\"", false)).isEqualTo(json("{\"type\":\"none\"}"));
    assertThat(toolChoice(null, true)).isEqualTo(json("{\"type\":\"auto\"}"));
  }

  @Test
  void unknownToolChoiceIs400() {
    assertBadRequest(chat("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"}"""), "tool_choice");
  }

  @Test
  void policyWarnDropsAndWarns() {
    ObjectNode out = map("""
        {"model":"m","messages":[{"role":"user","content":"x"}],
         "frequency_penalty":0.5,"presence_penalty":0.1,"logit_bias":{"50256":-100},"logprobs":true,
         "top_logprobs":2,"n":2,"seed":7,"service_tier":"auto","store":true,"modalities":["text"],
         "response_format":{"type":"json_object"},"reasoning_effort":"high","some_future_field":1}""");
    assertThat(out.fieldNames()).toIterable().containsExactlyInAnyOrder("model", "messages", "max_tokens");
    assertThat(warnings).hasSize(13).allSatisfy(w -> assertThat(w).contains("anthropic"));
    assertThat(String.join("\n", warnings)).contains("'frequency_penalty'", "'n'", "'response_format'",
        "'reasoning_effort'", "'some_future_field'");
  }

  @Test
  void policyDropIsSilent() {
    ObjectNode out = AnthropicRequestMapper.toMessagesRequest(chat("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"seed":1,"logprobs":false}"""),
        MODEL, UnsupportedParamPolicy.DROP, warnings);
    assertThat(out.has("seed")).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void policyRejectNamesTheParameterAndProvider() {
    assertThatThrownBy(() -> AnthropicRequestMapper.toMessagesRequest(chat("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"presence_penalty":0.2}"""),
        MODEL, UnsupportedParamPolicy.REJECT, warnings))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("invalid_request_error");
          assertThat(e.code()).isEqualTo("unsupported_parameter");
          assertThat(e.param()).isEqualTo("presence_penalty");
          assertThat(e.getMessage()).contains("presence_penalty", "anthropic");
        });
  }

  @Test
  void harmlessDefaultsAndNullsAreNotUnsupported() {
    AnthropicRequestMapper.toMessagesRequest(chat("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"n":1,"stream_options":{"include_usage":true},
         "response_format":{"type":"text"},"seed":null,"frequency_penalty":null}"""),
        MODEL, UnsupportedParamPolicy.REJECT, warnings);
    assertThat(warnings).isEmpty();
  }

  @Test
  void strictToolSchemasFollowThePolicy() {
    map("""
        {"model":"m","messages":[{"role":"user","content":"x"}],"tools":[
          {"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object"}}}]}""");
    assertThat(warnings).containsExactly(
        "Parameter 'tools[0].function.strict' is not supported by anthropic and was dropped.");
  }

  @Test
  void producedRequestsFitTheAnthropicSpec() {
    // map() checks every request in this class; this one exercises every block type at once.
    ObjectNode out = map("""
        {"model":"m","user":"u","stream":true,"parallel_tool_calls":false,"messages":[
          {"role":"system","content":[{"type":"text","text":"sys","cache_control":{"type":"ephemeral"}}]},
          {"role":"user","content":[{"type":"text","text":"look"},
            {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]},
          {"role":"assistant","content":"ok","tool_calls":[
            {"id":"toolu_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},
          {"role":"tool","tool_call_id":"toolu_1","content":[{"type":"text","text":"r"}]}],
         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
         "tool_choice":"required","stop":["x"]}""");
    assertThat(out.has("system")).isTrue();
    assertThat(out.at("/tool_choice/disable_parallel_tool_use").asBoolean()).isTrue();
  }

  private ObjectNode map(String chatJson) {
    ObjectNode out = AnthropicRequestMapper.toMessagesRequest(chat(chatJson), MODEL, UnsupportedParamPolicy.WARN,
        warnings);
    assertValidCreateMessageParams(out);
    return out;
  }

  private JsonNode toolChoice(String choice, Boolean parallel) {
    ObjectNode chat = chat("""
        {"model":"m","messages":[{"role":"user","content":"x"}],
         "tools":[{"type":"function","function":{"name":"f"}}]}""");
    if (choice != null) {
      chat.set("tool_choice", json(choice));
    }
    if (parallel != null) {
      chat.put("parallel_tool_calls", parallel);
    }
    return AnthropicRequestMapper.toMessagesRequest(chat, MODEL, UnsupportedParamPolicy.REJECT, warnings)
        .get("tool_choice");
  }

  private void assertBadRequest(ObjectNode chat, String param) {
    assertThatThrownBy(() -> AnthropicRequestMapper.toMessagesRequest(chat, MODEL, UnsupportedParamPolicy.WARN,
        warnings))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("invalid_request_error");
          assertThat(e.param()).isEqualTo(param);
        });
  }

  private static ObjectNode chat(String text) {
    return (ObjectNode) json(text);
  }
}
