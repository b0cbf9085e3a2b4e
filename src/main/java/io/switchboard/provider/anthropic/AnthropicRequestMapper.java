package io.switchboard.provider.anthropic;

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

/** OpenAI Chat Completions request to Anthropic Messages request. Pure: no I/O. */
public final class AnthropicRequestMapper {
  /** Anthropic requires max_tokens; OpenAI does not. */
  static final int DEFAULT_MAX_TOKENS = 4096;

  /** What each top-level OpenAI field becomes. Anything not listed has no Anthropic equivalent. */
  /**
   * FORWARD: the provider has the parameter under the same name and meaning (case and nesting aside);
   * TRANSLATE: it is expressed through a differently named or shaped one; NO_OP_IF_DEFAULT: only its default is
   * honoured (any other value has no equivalent).
   */
  private enum Rule { FORWARD, TRANSLATE, NO_OP_IF_DEFAULT }

  private static final Map<String, Rule> FIELDS = Map.ofEntries(
      Map.entry("model", Rule.TRANSLATE), // replaced by the routed upstream model
      Map.entry("messages", Rule.TRANSLATE),
      Map.entry("max_tokens", Rule.FORWARD),
      Map.entry("max_completion_tokens", Rule.TRANSLATE),
      Map.entry("stop", Rule.TRANSLATE),
      Map.entry("temperature", Rule.FORWARD),
      Map.entry("top_p", Rule.FORWARD),
      Map.entry("top_k", Rule.FORWARD),
      Map.entry("stream", Rule.FORWARD),
      Map.entry("user", Rule.TRANSLATE),
      Map.entry("tools", Rule.TRANSLATE),
      Map.entry("tool_choice", Rule.TRANSLATE),
      Map.entry("parallel_tool_calls", Rule.TRANSLATE),
      // include_usage is honoured by the stream mapper, which always knows the usage.
      Map.entry("stream_options", Rule.NO_OP_IF_DEFAULT),
      Map.entry("n", Rule.NO_OP_IF_DEFAULT),
      Map.entry("response_format", Rule.NO_OP_IF_DEFAULT));

  private AnthropicRequestMapper() {}

  /** How each reported OpenAI parameter reaches this provider, for {@code GET /v1/capabilities}. */
  public static Map<String, ParameterSupport> parameters() {
    return ParameterSupport.table(p -> switch (FIELDS.getOrDefault(p, Rule.NO_OP_IF_DEFAULT)) {
      case FORWARD -> ParameterSupport.FORWARD;
      case TRANSLATE -> ParameterSupport.TRANSLATE;
      case NO_OP_IF_DEFAULT -> ParameterSupport.UNSUPPORTED;
    });
  }

  /**
   * Translates {@code chat}; parameters Anthropic cannot honour go through {@code policy}, and under
   * {@link UnsupportedParamPolicy#WARN} a sentence per dropped parameter is added to {@code warnings}.
   *
   * @throws ApiException 400 for an invalid request, or an unsupported parameter under REJECT
   */
  public static ObjectNode toMessagesRequest(ObjectNode chat, String upstreamModel,
      UnsupportedParamPolicy policy, List<String> warnings) {
    requireNonNull(chat, "chat");
    requireNonNull(upstreamModel, "upstreamModel");
    UnsupportedParams unsupported = new UnsupportedParams(requireNonNull(policy, "policy"), "anthropic",
        requireNonNull(warnings, "warnings"));

    // Unsupported parameters first, so REJECT names the parameter even when the rest is also wrong.
    chat.properties().forEach(field -> {
      if (absent(field.getValue())) {
        return; // an explicit null asks for the default, which is what leaving it out gives
      }
      Rule rule = FIELDS.get(field.getKey());
      if (rule == null || rule == Rule.NO_OP_IF_DEFAULT && !isDefault(field.getKey(), field.getValue())) {
        unsupported.handle(field.getKey());
      }
    });

    ObjectNode out = Json.object();
    out.put("model", upstreamModel);
    AnthropicMessageMapper.Result messages = AnthropicMessageMapper.map(chat.get("messages"));
    if (messages.system() != null) {
      out.set("system", messages.system());
    }
    out.set("messages", messages.messages());
    out.put("max_tokens", maxTokens(chat));

    JsonNode stop = chat.get("stop");
    if (!absent(stop)) {
      out.set("stop_sequences", stopSequences(stop));
    }
    for (String param : List.of("temperature", "top_p")) {
      if (!absent(chat.get(param))) {
        out.set(param, number(chat.get(param), param));
      }
    }
    if (!absent(chat.get("top_k"))) {
      out.put("top_k", integer(chat.get("top_k"), "top_k"));
    }
    if (!absent(chat.get("stream"))) {
      out.put("stream", bool(chat.get("stream"), "stream"));
    }
    if (!absent(chat.get("user"))) {
      out.putObject("metadata").put("user_id", text(chat.get("user"), "user"));
    }
    tools(chat, out, unsupported);
    return out;
  }

  private static boolean isDefault(String field, JsonNode value) {
    return switch (field) {
      case "n" -> value.isIntegralNumber() && value.asLong() == 1;
      case "response_format" -> "text".equals(value.path("type").asText());
      default -> true; // stream_options
    };
  }

  private static long maxTokens(JsonNode chat) {
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
    return DEFAULT_MAX_TOKENS;
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

  private static void tools(JsonNode chat, ObjectNode out, UnsupportedParams unsupported) {
    JsonNode tools = chat.get("tools");
    boolean hasTools = !absent(tools) && !array(tools, "tools").isEmpty();
    if (hasTools) {
      ArrayNode mapped = out.putArray("tools");
      for (int i = 0; i < tools.size(); i++) {
        mapped.add(tool(tools.get(i), "tools[" + i + "]", unsupported));
      }
    }

    ObjectNode choice = null;
    JsonNode toolChoice = chat.get("tool_choice");
    if (!absent(toolChoice)) {
      choice = toolChoice(toolChoice);
    } else if (hasTools) {
      choice = Json.object().put("type", "auto");
    }
    JsonNode parallel = chat.get("parallel_tool_calls");
    boolean serial = !absent(parallel) && !bool(parallel, "parallel_tool_calls");
    // tool_choice "none" has no disable_parallel_tool_use field; with no tool calls there is nothing to limit.
    if (serial && choice != null && !"none".equals(choice.path("type").asText())) {
      choice.put("disable_parallel_tool_use", true);
    }
    // Without tools, the default choice says nothing; only an explicit one is passed on.
    if (choice != null && (hasTools || !absent(toolChoice))) {
      out.set("tool_choice", choice);
    }
  }

  private static ObjectNode tool(JsonNode tool, String param, UnsupportedParams unsupported) {
    object(tool, param);
    String type = text(tool.get("type"), param + ".type");
    if (!type.equals("function")) {
      throw invalid(param + ".type", param + ".type: \"" + type + "\" is not supported by anthropic (expected: function)");
    }
    JsonNode function = object(tool.get("function"), param + ".function");
    ObjectNode out = Json.object();
    out.put("name", text(function.get("name"), param + ".function.name"));
    if (!absent(function.get("description"))) {
      out.put("description", text(function.get("description"), param + ".function.description"));
    }
    JsonNode parameters = function.get("parameters");
    if (absent(parameters)) {
      // OpenAI allows omitting parameters (no arguments); Anthropic requires an object schema.
      ObjectNode schema = Json.object().put("type", "object");
      schema.putObject("properties");
      out.set("input_schema", schema);
    } else {
      out.set("input_schema", object(parameters, param + ".function.parameters"));
    }
    JsonNode strict = function.get("strict");
    if (!absent(strict) && bool(strict, param + ".function.strict")) {
      unsupported.handle(param + ".function.strict"); // we can't promise schema-exact arguments
    }
    return out;
  }

  private static ObjectNode toolChoice(JsonNode choice) {
    if (choice.isTextual()) {
      return switch (choice.textValue()) {
        case "auto" -> Json.object().put("type", "auto");
        case "required" -> Json.object().put("type", "any");
        case "none" -> Json.object().put("type", "none");
        default -> throw invalid("tool_choice",
            "tool_choice: \"" + choice.textValue() + "\" (expected: auto, required, none or a function)");
      };
    }
    object(choice, "tool_choice");
    String type = text(choice.get("type"), "tool_choice.type");
    if (!type.equals("function")) {
      throw invalid("tool_choice.type",
          "tool_choice.type: \"" + type + "\" is not supported by anthropic (expected: function)");
    }
    String name = text(object(choice.get("function"), "tool_choice.function").get("name"),
        "tool_choice.function.name");
    return Json.object().put("type", "tool").put("name", name);
  }
}
