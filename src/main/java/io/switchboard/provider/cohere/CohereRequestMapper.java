package io.switchboard.provider.cohere;

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

/** OpenAI Chat Completions request to Cohere v2 chat request ({@code POST /v2/chat}). Pure: no I/O. */
public final class CohereRequestMapper {
  /** What each top-level OpenAI field becomes. Anything not listed has no Cohere equivalent. */
  /**
   * FORWARD: the provider has the parameter under the same name and meaning (case and nesting aside);
   * TRANSLATE: it is expressed through a differently named or shaped one; NO_OP_IF_DEFAULT: only its default is
   * honoured (any other value has no equivalent).
   */
  private enum Rule { FORWARD, TRANSLATE, NO_OP_IF_DEFAULT }

  private static final Map<String, Rule> FIELDS = Map.ofEntries(
      Map.entry("model", Rule.TRANSLATE), // replaced by the routed upstream model
      Map.entry("messages", Rule.TRANSLATE),
      Map.entry("stream", Rule.FORWARD),
      Map.entry("max_tokens", Rule.FORWARD),
      Map.entry("max_completion_tokens", Rule.TRANSLATE),
      Map.entry("temperature", Rule.FORWARD),
      Map.entry("top_p", Rule.TRANSLATE),
      Map.entry("top_k", Rule.TRANSLATE),
      Map.entry("stop", Rule.TRANSLATE),
      Map.entry("seed", Rule.FORWARD),
      Map.entry("frequency_penalty", Rule.FORWARD),
      Map.entry("presence_penalty", Rule.FORWARD),
      Map.entry("tools", Rule.FORWARD),
      Map.entry("tool_choice", Rule.TRANSLATE),
      Map.entry("response_format", Rule.TRANSLATE),
      // include_usage is honoured by the stream mapper; message-end always carries the usage.
      Map.entry("stream_options", Rule.NO_OP_IF_DEFAULT),
      Map.entry("n", Rule.NO_OP_IF_DEFAULT),
      // Cohere may call several tools in one turn and has no switch to stop it.
      Map.entry("parallel_tool_calls", Rule.NO_OP_IF_DEFAULT),
      Map.entry("logprobs", Rule.NO_OP_IF_DEFAULT));

  private CohereRequestMapper() {}

  /** How each reported OpenAI parameter reaches this provider, for {@code GET /v1/capabilities}. */
  public static Map<String, ParameterSupport> parameters() {
    return ParameterSupport.table(p -> switch (FIELDS.getOrDefault(p, Rule.NO_OP_IF_DEFAULT)) {
      case FORWARD -> ParameterSupport.FORWARD;
      case TRANSLATE -> ParameterSupport.TRANSLATE;
      case NO_OP_IF_DEFAULT -> ParameterSupport.UNSUPPORTED;
    });
  }

  /**
   * Translates {@code chat}; parameters Cohere cannot honour go through {@code policy}, and under
   * {@link UnsupportedParamPolicy#WARN} a sentence per dropped parameter is added to {@code warnings}.
   *
   * @throws ApiException 400 for an invalid request, or an unsupported parameter under REJECT
   */
  public static ObjectNode toChatRequest(ObjectNode chat, String upstreamModel, UnsupportedParamPolicy policy,
      List<String> warnings) {
    requireNonNull(chat, "chat");
    requireNonNull(upstreamModel, "upstreamModel");
    UnsupportedParams unsupported = new UnsupportedParams(requireNonNull(policy, "policy"), "cohere",
        requireNonNull(warnings, "warnings"));

    // Unsupported parameters first, so REJECT names the parameter even when the rest is also wrong.
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
    out.put("model", upstreamModel);
    out.set("messages", CohereMessageMapper.map(chat.get("messages"), unsupported));
    if (!absent(chat.get("stream"))) {
      out.put("stream", bool(chat.get("stream"), "stream"));
    }
    Long maxTokens = maxTokens(chat);
    if (maxTokens != null) {
      out.put("max_tokens", maxTokens);
    }
    JsonNode stop = chat.get("stop");
    if (!absent(stop)) {
      out.set("stop_sequences", stopSequences(stop));
    }
    copyNumber(chat, "temperature", out, "temperature");
    copyNumber(chat, "top_p", out, "p");
    copyNumber(chat, "frequency_penalty", out, "frequency_penalty");
    copyNumber(chat, "presence_penalty", out, "presence_penalty");
    if (!absent(chat.get("top_k"))) {
      out.put("k", integer(chat.get("top_k"), "top_k"));
    }
    if (!absent(chat.get("seed"))) {
      out.put("seed", integer(chat.get("seed"), "seed"));
    }
    responseFormat(chat.get("response_format"), out);
    tools(chat, out, unsupported);
    return out;
  }

  private static boolean isDefault(String field, JsonNode value) {
    return switch (field) {
      case "n" -> value.isIntegralNumber() && value.asLong() == 1;
      case "parallel_tool_calls" -> value.isBoolean() && value.booleanValue();
      case "logprobs" -> value.isBoolean() && !value.booleanValue();
      default -> true; // stream_options
    };
  }

  private static void copyNumber(JsonNode chat, String param, ObjectNode out, String field) {
    if (!absent(chat.get(param))) {
      out.set(field, number(chat.get(param), param));
    }
  }

  private static Long maxTokens(JsonNode chat) {
    for (String param : List.of("max_completion_tokens", "max_tokens")) {
      JsonNode value = chat.get(param);
      if (!absent(value)) {
        long tokens = integer(value, param);
        if (tokens < 1) {
          throw invalid(param, param + ": " + tokens + " (expected: >= 1)");
        }
        return tokens;
      }
    }
    return null; // Cohere has its own default
  }

  private static ArrayNode stopSequences(JsonNode stop) {
    ArrayNode sequences = Json.MAPPER.createArrayNode();
    if (stop.isTextual()) {
      return sequences.add(stop.textValue());
    }
    array(stop, "stop");
    for (int i = 0; i < stop.size(); i++) {
      sequences.add(text(stop.get(i), "stop[" + i + "]"));
    }
    return sequences;
  }

  /** json_object and json_schema both become Cohere's json_object, the latter with its schema. */
  private static void responseFormat(JsonNode format, ObjectNode out) {
    if (absent(format)) {
      return;
    }
    object(format, "response_format");
    String type = text(format.get("type"), "response_format.type");
    switch (type) {
      case "text" -> {}
      case "json_object" -> out.putObject("response_format").put("type", "json_object");
      case "json_schema" -> {
        JsonNode jsonSchema = object(format.get("json_schema"), "response_format.json_schema");
        ObjectNode mapped = out.putObject("response_format").put("type", "json_object");
        JsonNode schema = jsonSchema.get("schema");
        if (!absent(schema)) {
          mapped.set("json_schema", object(schema, "response_format.json_schema.schema"));
        }
      }
      default -> throw invalid("response_format.type",
          "response_format.type: \"" + type + "\" (expected: text, json_object or json_schema)");
    }
  }

  private static void tools(JsonNode chat, ObjectNode out, UnsupportedParams unsupported) {
    JsonNode tools = chat.get("tools");
    if (!absent(tools) && !array(tools, "tools").isEmpty()) {
      ArrayNode mapped = out.putArray("tools");
      int strict = 0;
      for (int i = 0; i < tools.size(); i++) {
        JsonNode function = function(tools.get(i), "tools[" + i + "]");
        mapped.add(tool(function, "tools[" + i + "]"));
        JsonNode flag = function.get("strict");
        if (!absent(flag) && bool(flag, "tools[" + i + "].function.strict")) {
          strict++;
        }
      }
      // Cohere's strict_tools is one switch for all tools: on when every tool asks for it.
      if (strict == tools.size()) {
        out.put("strict_tools", true);
      } else if (strict > 0) {
        unsupported.handle("tools[].function.strict");
      }
    }
    JsonNode choice = chat.get("tool_choice");
    if (absent(choice)) {
      return;
    }
    if (choice.isTextual()) {
      switch (choice.textValue()) {
        case "auto" -> {}
        case "required" -> out.put("tool_choice", "REQUIRED");
        case "none" -> out.put("tool_choice", "NONE");
        default -> throw invalid("tool_choice",
            "tool_choice: \"" + choice.textValue() + "\" (expected: auto, required, none or a function)");
      }
      return;
    }
    object(choice, "tool_choice");
    unsupported.handle("tool_choice"); // Cohere cannot be told which tool to call
  }

  private static JsonNode function(JsonNode tool, String param) {
    object(tool, param);
    String type = text(tool.get("type"), param + ".type");
    if (!type.equals("function")) {
      throw invalid(param + ".type", param + ".type: \"" + type + "\" is not supported by cohere (expected: function)");
    }
    return object(tool.get("function"), param + ".function");
  }

  private static ObjectNode tool(JsonNode function, String param) {
    ObjectNode out = Json.object().put("type", "function");
    ObjectNode fn = out.putObject("function");
    fn.put("name", text(function.get("name"), param + ".function.name"));
    if (!absent(function.get("description"))) {
      fn.put("description", text(function.get("description"), param + ".function.description"));
    }
    JsonNode parameters = function.get("parameters");
    if (absent(parameters)) {
      // OpenAI allows omitting parameters (no arguments); Cohere requires a schema.
      ObjectNode schema = Json.object().put("type", "object");
      schema.putObject("properties");
      fn.set("parameters", schema);
    } else {
      fn.set("parameters", object(parameters, param + ".function.parameters"));
    }
    return out;
  }
}
