package io.switchboard.provider.gemini;

import static io.switchboard.provider.Requests.absent;
import static io.switchboard.provider.Requests.array;
import static io.switchboard.provider.Requests.bool;
import static io.switchboard.provider.Requests.integer;
import static io.switchboard.provider.Requests.invalid;
import static io.switchboard.provider.Requests.number;
import static io.switchboard.provider.Requests.object;
import static io.switchboard.provider.Requests.text;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.provider.ParameterSupport;
import io.switchboard.provider.UnsupportedParams;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** OpenAI Chat Completions request to Gemini {@code GenerateContentRequest}. Pure: no I/O. */
public final class GeminiRequestMapper {
  /** What each top-level OpenAI field becomes. Anything not listed has no Gemini equivalent. */
  /**
   * FORWARD: the provider has the parameter under the same name and meaning (case and nesting aside);
   * TRANSLATE: it is expressed through a differently named or shaped one; NO_OP_IF_DEFAULT: only its default is
   * honoured (any other value has no equivalent).
   */
  private enum Rule { FORWARD, TRANSLATE, NO_OP_IF_DEFAULT }

  private static final Map<String, Rule> FIELDS = Map.ofEntries(
      Map.entry("model", Rule.TRANSLATE), // in the URL
      Map.entry("messages", Rule.TRANSLATE),
      Map.entry("stream", Rule.TRANSLATE), // the URL's method: streamGenerateContent
      Map.entry("stream_options", Rule.FORWARD), // include_usage is honoured by the stream mapper
      Map.entry("max_tokens", Rule.TRANSLATE),
      Map.entry("max_completion_tokens", Rule.TRANSLATE),
      Map.entry("stop", Rule.TRANSLATE),
      Map.entry("temperature", Rule.FORWARD),
      Map.entry("top_p", Rule.FORWARD),
      Map.entry("top_k", Rule.FORWARD),
      Map.entry("n", Rule.TRANSLATE),
      Map.entry("seed", Rule.FORWARD),
      Map.entry("presence_penalty", Rule.FORWARD),
      Map.entry("frequency_penalty", Rule.FORWARD),
      Map.entry("response_format", Rule.TRANSLATE),
      Map.entry("reasoning_effort", Rule.TRANSLATE),
      Map.entry("tools", Rule.TRANSLATE),
      Map.entry("tool_choice", Rule.TRANSLATE),
      // Gemini may call several functions in a turn and has no switch to stop it.
      Map.entry("parallel_tool_calls", Rule.NO_OP_IF_DEFAULT),
      Map.entry("logprobs", Rule.NO_OP_IF_DEFAULT));

  /** Thinking budgets in tokens for OpenAI's reasoning efforts; Gemini 2.5 and 3 both read thinkingBudget. */
  private static final Map<String, Integer> THINKING_BUDGETS = Map.of(
      "none", 0, "minimal", 512, "low", 1024, "medium", 8192, "high", 24576);

  /** OpenAI name to generationConfig name. */
  private static final List<String[]> NUMBERS = List.of(new String[] {"temperature", "temperature"},
      new String[] {"top_p", "topP"}, new String[] {"presence_penalty", "presencePenalty"},
      new String[] {"frequency_penalty", "frequencyPenalty"});
  private static final List<String[]> INTEGERS = List.of(new String[] {"top_k", "topK"},
      new String[] {"seed", "seed"}, new String[] {"n", "candidateCount"});

  private GeminiRequestMapper() {}

  /** How each reported OpenAI parameter reaches this provider, for {@code GET /v1/capabilities}. */
  public static Map<String, ParameterSupport> parameters() {
    return ParameterSupport.table(p -> switch (FIELDS.getOrDefault(p, Rule.NO_OP_IF_DEFAULT)) {
      case FORWARD -> ParameterSupport.FORWARD;
      case TRANSLATE -> ParameterSupport.TRANSLATE;
      case NO_OP_IF_DEFAULT -> ParameterSupport.UNSUPPORTED;
    });
  }

  /**
   * Translates {@code chat}; parameters Gemini cannot honour go through {@code policy}, and under
   * {@link UnsupportedParamPolicy#WARN} a sentence per dropped parameter is added to {@code warnings}.
   *
   * @throws ApiException 400 for an invalid request, or an unsupported parameter under REJECT
   */
  public static ObjectNode toGenerateContentRequest(ObjectNode chat, UnsupportedParamPolicy policy,
      List<String> warnings) {
    requireNonNull(chat, "chat");
    UnsupportedParams unsupported = new UnsupportedParams(requireNonNull(policy, "policy"), "gemini",
        requireNonNull(warnings, "warnings"));
    chat.properties().forEach(field -> {
      if (absent(field.getValue())) {
        return;
      }
      Rule rule = FIELDS.get(field.getKey());
      if (rule == null || rule == Rule.NO_OP_IF_DEFAULT && !isDefault(field.getKey(), field.getValue())) {
        unsupported.handle(field.getKey());
      }
    });

    ObjectNode out = Json.object();
    GeminiContentMapper.Result messages = GeminiContentMapper.map(chat.get("messages"));
    if (messages.systemInstruction() != null) {
      out.set("systemInstruction", messages.systemInstruction());
    }
    out.set("contents", messages.contents());
    tools(chat, out, unsupported);
    ObjectNode config = generationConfig(chat);
    if (!config.isEmpty()) {
      out.set("generationConfig", config);
    }
    return out;
  }

  private static boolean isDefault(String field, JsonNode value) {
    return switch (field) {
      case "parallel_tool_calls" -> value.isBoolean() && value.booleanValue();
      case "logprobs" -> value.isBoolean() && !value.booleanValue();
      default -> true;
    };
  }

  private static ObjectNode generationConfig(JsonNode chat) {
    ObjectNode config = Json.object();
    for (String param : List.of("max_completion_tokens", "max_tokens")) {
      JsonNode value = chat.get(param);
      if (!absent(value)) {
        long tokens = integer(value, param);
        if (tokens < 1) {
          throw invalid(param, param + ": " + tokens + " (expected: >= 1)");
        }
        config.put("maxOutputTokens", tokens);
        break;
      }
    }
    JsonNode stop = chat.get("stop");
    if (!absent(stop)) {
      ArrayNode sequences = config.putArray("stopSequences");
      if (stop.isTextual()) {
        sequences.add(stop.textValue());
      } else {
        array(stop, "stop");
        for (int i = 0; i < stop.size(); i++) {
          sequences.add(text(stop.get(i), "stop[" + i + "]"));
        }
      }
    }
    for (String[] rename : NUMBERS) {
      if (!absent(chat.get(rename[0]))) {
        config.set(rename[1], number(chat.get(rename[0]), rename[0]));
      }
    }
    for (String[] rename : INTEGERS) {
      if (!absent(chat.get(rename[0]))) {
        config.put(rename[1], integer(chat.get(rename[0]), rename[0]));
      }
    }
    responseFormat(chat.get("response_format"), config);
    JsonNode effort = chat.get("reasoning_effort");
    if (!absent(effort)) {
      String level = text(effort, "reasoning_effort");
      Integer budget = THINKING_BUDGETS.get(level);
      if (budget == null) {
        throw invalid("reasoning_effort",
            "reasoning_effort: \"" + level + "\" (expected: none, minimal, low, medium or high)");
      }
      ObjectNode thinking = config.putObject("thinkingConfig");
      thinking.put("thinkingBudget", budget);
      if (budget > 0) {
        thinking.put("includeThoughts", true); // the summaries come back as reasoning_content
      }
    }
    return config;
  }

  private static void responseFormat(JsonNode format, ObjectNode config) {
    if (absent(format)) {
      return;
    }
    object(format, "response_format");
    String type = text(format.get("type"), "response_format.type");
    switch (type) {
      case "text" -> {}
      case "json_object" -> config.put("responseMimeType", "application/json");
      case "json_schema" -> {
        JsonNode schema = object(format.get("json_schema"), "response_format.json_schema");
        config.put("responseMimeType", "application/json");
        if (!absent(schema.get("schema"))) {
          config.set("responseSchema", GeminiSchema.convert(schema.get("schema"), "response_format.json_schema.schema"));
        }
      }
      default -> throw invalid("response_format.type",
          "response_format.type: \"" + type + "\" (expected: text, json_object or json_schema)");
    }
  }

  private static void tools(JsonNode chat, ObjectNode out, UnsupportedParams unsupported) {
    JsonNode tools = chat.get("tools");
    boolean hasTools = !absent(tools) && !array(tools, "tools").isEmpty();
    if (hasTools) {
      ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
      for (int i = 0; i < tools.size(); i++) {
        declarations.add(declaration(tools.get(i), "tools[" + i + "]", unsupported));
      }
    }
    JsonNode choice = chat.get("tool_choice");
    if (absent(choice) || !hasTools && choice.isTextual() && Set.of("auto", "none").contains(choice.textValue())) {
      return;
    }
    ObjectNode calling = out.putObject("toolConfig").putObject("functionCallingConfig");
    if (choice.isTextual()) {
      switch (choice.textValue()) {
        case "auto" -> calling.put("mode", "AUTO");
        case "none" -> calling.put("mode", "NONE");
        case "required" -> calling.put("mode", "ANY");
        default -> throw invalid("tool_choice",
            "tool_choice: \"" + choice.textValue() + "\" (expected: auto, required, none or a function)");
      }
      return;
    }
    object(choice, "tool_choice");
    String type = text(choice.get("type"), "tool_choice.type");
    if (!type.equals("function")) {
      throw invalid("tool_choice.type",
          "tool_choice.type: \"" + type + "\" is not supported by gemini (expected: function)");
    }
    String name = text(object(choice.get("function"), "tool_choice.function").get("name"),
        "tool_choice.function.name");
    calling.put("mode", "ANY");
    calling.putArray("allowedFunctionNames").add(name);
  }

  private static ObjectNode declaration(JsonNode tool, String param, UnsupportedParams unsupported) {
    object(tool, param);
    String type = text(tool.get("type"), param + ".type");
    if (!type.equals("function")) {
      throw invalid(param + ".type", param + ".type: \"" + type + "\" is not supported by gemini (expected: function)");
    }
    JsonNode function = object(tool.get("function"), param + ".function");
    ObjectNode out = Json.object();
    out.put("name", text(function.get("name"), param + ".function.name"));
    out.put("description", absent(function.get("description")) ? ""
        : text(function.get("description"), param + ".function.description"));
    JsonNode parameters = function.get("parameters");
    if (!absent(parameters) && !GeminiSchema.isEmptyObject(object(parameters, param + ".function.parameters"))) {
      out.set("parameters", GeminiSchema.convert(parameters, param + ".function.parameters"));
    }
    JsonNode strict = function.get("strict");
    if (!absent(strict) && bool(strict, param + ".function.strict")) {
      unsupported.handle(param + ".function.strict"); // we can't promise schema-exact arguments
    }
    return out;
  }
}
