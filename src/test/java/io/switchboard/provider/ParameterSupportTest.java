package io.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.provider.anthropic.AnthropicRequestMapper;
import io.switchboard.provider.bedrock.BedrockRequestMapper;
import io.switchboard.provider.cohere.CohereRequestMapper;
import io.switchboard.provider.gemini.GeminiRequestMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code GET /v1/capabilities} claims for a native provider is what its mapper does: under the reject policy
 * a parameter reported unsupported is refused by name when given a non-default value, and every other one is
 * taken. The table and the mapper cannot drift apart.
 */
class ParameterSupportTest {
  /** A non-default value for each reported parameter. */
  private static final Map<String, String> VALUES = Map.ofEntries(
      Map.entry("frequency_penalty", "0.5"),
      Map.entry("logit_bias", "{\"50256\": -100}"),
      Map.entry("logprobs", "true"),
      Map.entry("max_completion_tokens", "100"),
      Map.entry("max_tokens", "100"),
      Map.entry("n", "2"),
      Map.entry("parallel_tool_calls", "false"),
      Map.entry("presence_penalty", "0.5"),
      Map.entry("response_format",
          "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": {\"type\": \"object\"}}}"),
      Map.entry("seed", "7"),
      Map.entry("stop", "[\"END\"]"),
      Map.entry("temperature", "0.5"),
      Map.entry("tool_choice", "\"required\""),
      Map.entry("tools", "[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"type\": \"object\"}}}]"),
      Map.entry("top_logprobs", "2"),
      Map.entry("top_p", "0.9"),
      Map.entry("user", "\"user-1\""));

  record Mapper(String name, Map<String, ParameterSupport> table, Function<ObjectNode, ObjectNode> map) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    UnsupportedParamPolicy reject = UnsupportedParamPolicy.REJECT;
    List<Mapper> mappers = List.of(
        new Mapper("anthropic", AnthropicRequestMapper.parameters(),
            b -> AnthropicRequestMapper.toMessagesRequest(b, "claude-sonnet-4-5", reject, new ArrayList<>())),
        new Mapper("gemini", GeminiRequestMapper.parameters(),
            b -> GeminiRequestMapper.toGenerateContentRequest(b, reject, new ArrayList<>())),
        new Mapper("bedrock", BedrockRequestMapper.parameters(),
            b -> BedrockRequestMapper.toConverseRequest(b, "anthropic.claude-3-haiku-20240307-v1:0", reject,
                new ArrayList<>())),
        new Mapper("cohere", CohereRequestMapper.parameters(),
            b -> CohereRequestMapper.toChatRequest(b, "command-r-plus", reject, new ArrayList<>())));
    List<Arguments> out = new ArrayList<>();
    for (Mapper m : mappers) {
      assertThat(m.table().keySet()).containsExactlyElementsOf(ParameterSupport.REPORTED);
      for (String param : ParameterSupport.REPORTED) {
        out.add(Arguments.of(m, param));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void theReportedSupportIsWhatTheMapperDoes(Mapper mapper, String param) throws Exception {
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(
        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}");
    JsonNode value = Json.MAPPER.readTree(VALUES.get(param));
    body.set(param, value);
    if (param.equals("tool_choice") || param.equals("parallel_tool_calls")) {
      body.set("tools", Json.MAPPER.readTree(VALUES.get("tools")));
    }
    if (param.equals("top_logprobs")) {
      body.put("logprobs", true);
    }
    ObjectNode[] mapped = new ObjectNode[1];
    Throwable thrown = catchThrowable(() -> mapped[0] = mapper.map().apply(body));
    if (mapper.table().get(param) == ParameterSupport.UNSUPPORTED) {
      assertThat(thrown).as("%s reports %s unsupported", mapper, param).isInstanceOf(ApiException.class);
      ApiException e = (ApiException) thrown;
      assertThat(e.code()).isEqualTo("unsupported_parameter");
      // top_logprobs comes with logprobs, which a provider without either refuses first.
      assertThat(e.param()).isIn(param, param.equals("top_logprobs") ? "logprobs" : param);
    } else {
      assertThat(thrown).as("%s reports %s %s", mapper, param, mapper.table().get(param)).isNull();
      // forward: the same name (case, underscores and nesting aside) with the same value; translate: not so.
      boolean same = sameNameAndValue(mapped[0], param, value);
      assertThat(same).as("%s sends %s under its own name", mapper, param)
          .isEqualTo(mapper.table().get(param) == ParameterSupport.FORWARD);
    }
  }

  private static boolean sameNameAndValue(JsonNode node, String param, JsonNode value) {
    String wanted = param.replace("_", "");
    if (node.isObject()) {
      for (var field : node.properties()) {
        if (field.getKey().replace("_", "").equalsIgnoreCase(wanted) && equalValues(field.getValue(), value)) {
          return true;
        }
        if (sameNameAndValue(field.getValue(), param, value)) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        if (sameNameAndValue(element, param, value)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean equalValues(JsonNode a, JsonNode b) {
    return a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
  }
}
