package io.switchboard.provider.bedrock;

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
import java.util.regex.Pattern;

/**
 * OpenAI Chat Completions request to a Bedrock Converse (or ConverseStream) request body. The model id
 * travels in the path, not the body. Pure: no I/O.
 */
public final class BedrockRequestMapper {
  /** Anthropic models on Bedrock take top_k through additionalModelRequestFields, as Bedrock documents. */
  private static final Pattern ANTHROPIC = Pattern.compile("(^|[.:/])anthropic\\.");

  /** What each top-level OpenAI field becomes. Anything not listed has no Converse equivalent. */
  /**
   * FORWARD: the provider has the parameter under the same name and meaning (case and nesting aside);
   * TRANSLATE: it is expressed through a differently named or shaped one; NO_OP_IF_DEFAULT: only its default is
   * honoured (any other value has no equivalent).
   */
  private enum Rule { FORWARD, TRANSLATE, NO_OP_IF_DEFAULT }

  private static final Map<String, Rule> FIELDS = Map.ofEntries(
      Map.entry("model", Rule.TRANSLATE), // in the path
      Map.entry("messages", Rule.TRANSLATE),
      Map.entry("max_tokens", Rule.FORWARD),
      Map.entry("max_completion_tokens", Rule.TRANSLATE),
      Map.entry("stop", Rule.TRANSLATE),
      Map.entry("temperature", Rule.FORWARD),
      Map.entry("top_p", Rule.FORWARD),
      Map.entry("top_k", Rule.TRANSLATE), // checked against the model below
      Map.entry("stream", Rule.TRANSLATE), // chooses converse or converse-stream
      Map.entry("tools", Rule.TRANSLATE),
      Map.entry("tool_choice", Rule.TRANSLATE),
      // include_usage is honoured by the stream mapper, which always gets the usage.
      Map.entry("stream_options", Rule.NO_OP_IF_DEFAULT),
      Map.entry("n", Rule.NO_OP_IF_DEFAULT),
      Map.entry("parallel_tool_calls", Rule.NO_OP_IF_DEFAULT),
      Map.entry("response_format", Rule.NO_OP_IF_DEFAULT));

  private BedrockRequestMapper() {}

  /** How each reported OpenAI parameter reaches this provider, for {@code GET /v1/capabilities}. */
  public static Map<String, ParameterSupport> parameters() {
    return ParameterSupport.table(p -> switch (FIELDS.getOrDefault(p, Rule.NO_OP_IF_DEFAULT)) {
      case FORWARD -> ParameterSupport.FORWARD;
      case TRANSLATE -> ParameterSupport.TRANSLATE;
      case NO_OP_IF_DEFAULT -> ParameterSupport.UNSUPPORTED;
    });
  }

  /**
   * Translates {@code chat}; parameters Converse cannot honour go through {@code policy}, and under
   * {@link UnsupportedParamPolicy#WARN} a sentence per dropped parameter is added to {@code warnings}.
   *
   * @throws ApiException 400 for an invalid request, or an unsupported parameter under REJECT
   */
  public static ObjectNode toConverseRequest(ObjectNode chat, String upstreamModel, UnsupportedParamPolicy policy,
      List<String> warnings) {
    requireNonNull(chat, "chat");
    requireNonNull(upstreamModel, "upstreamModel");
    UnsupportedParams unsupported = new UnsupportedParams(requireNonNull(policy, "policy"), "bedrock",
        requireNonNull(warnings, "warnings"));
    boolean anthropic = ANTHROPIC.matcher(upstreamModel).find();

    // Unsupported parameters first, so REJECT names the parameter even when the rest is also wrong.
    chat.properties().forEach(field -> {
      if (absent(field.getValue())) {
        return; // an explicit null asks for the default, which is what leaving it out gives
      }
      Rule rule = FIELDS.get(field.getKey());
      if (rule == null || rule == Rule.NO_OP_IF_DEFAULT && !isDefault(field.getKey(), field.getValue())
          || field.getKey().equals("top_k") && !anthropic) {
        unsupported.handle(field.getKey());
      }
    });

    ObjectNode out = Json.object();
    BedrockMessageMapper.Result messages = BedrockMessageMapper.map(chat.get("messages"));
    out.set("messages", messages.messages());
    if (!messages.system().isEmpty()) {
      out.set("system", messages.system());
    }
    ObjectNode inference = inferenceConfig(chat);
    if (!inference.isEmpty()) {
      out.set("inferenceConfig", inference);
    }
    ObjectNode toolConfig = toolConfig(chat, unsupported);
    if (toolConfig != null) {
      out.set("toolConfig", toolConfig);
    }
    if (anthropic && !absent(chat.get("top_k"))) {
      integer(chat.get("top_k"), "top_k");
      out.putObject("additionalModelRequestFields").set("top_k", chat.get("top_k"));
    }
    if (!absent(chat.get("stream"))) {
      bool(chat.get("stream"), "stream");
    }
    return out;
  }

  private static boolean isDefault(String field, JsonNode value) {
    return switch (field) {
      case "n" -> value.isIntegralNumber() && value.asLong() == 1;
      case "parallel_tool_calls" -> value.isBoolean() && value.booleanValue();
      case "response_format" -> "text".equals(value.path("type").asText());
      default -> true; // stream_options
    };
  }

  /** maxTokens, temperature, topP, stopSequences; values out of Bedrock's ranges are passed on for it to judge. */
  private static ObjectNode inferenceConfig(JsonNode chat) {
    ObjectNode config = Json.object();
    for (String param : List.of("max_completion_tokens", "max_tokens")) {
      JsonNode value = chat.get(param);
      if (!absent(value)) {
        long tokens = integer(value, param);
        if (tokens < 1 || tokens > Integer.MAX_VALUE) {
          throw invalid(param, param + ": " + tokens + " (expected: >= 1)");
        }
        config.put("maxTokens", (int) tokens); // an Integer in the model
        break;
      }
    }
    if (!absent(chat.get("temperature"))) {
      config.set("temperature", number(chat.get("temperature"), "temperature"));
    }
    if (!absent(chat.get("top_p"))) {
      config.set("topP", number(chat.get("top_p"), "top_p"));
    }
    JsonNode stop = chat.get("stop");
    if (!absent(stop)) {
      ArrayNode sequences = Json.MAPPER.createArrayNode();
      if (stop.isTextual()) {
        sequences.add(stop.textValue());
      } else {
        array(stop, "stop");
        for (int i = 0; i < stop.size(); i++) {
          sequences.add(text(stop.get(i), "stop[" + i + "]"));
        }
      }
      if (!sequences.isEmpty()) {
        config.set("stopSequences", sequences);
      }
    }
    return config;
  }

  /** toolConfig, or null when there are no tools or tool_choice is "none" (Converse has no "none"). */
  private static ObjectNode toolConfig(JsonNode chat, UnsupportedParams unsupported) {
    JsonNode tools = chat.get("tools");
    JsonNode toolChoice = chat.get("tool_choice");
    ObjectNode choice = absent(toolChoice) ? null : toolChoice(toolChoice);
    if (absent(tools) || array(tools, "tools").isEmpty() || choice != null && choice.has("none")) {
      return null;
    }
    ObjectNode config = Json.object();
    ArrayNode mapped = config.putArray("tools");
    for (int i = 0; i < tools.size(); i++) {
      mapped.addObject().set("toolSpec", toolSpec(tools.get(i), "tools[" + i + "]", unsupported));
    }
    // "auto" is Converse's default, and some models refuse an explicit toolChoice: only others are sent.
    if (choice != null && !choice.has("auto")) {
      config.set("toolChoice", choice);
    }
    return config;
  }

  private static ObjectNode toolSpec(JsonNode tool, String param, UnsupportedParams unsupported) {
    object(tool, param);
    String type = text(tool.get("type"), param + ".type");
    if (!type.equals("function")) {
      throw invalid(param + ".type",
          param + ".type: \"" + type + "\" is not supported by bedrock (expected: function)");
    }
    JsonNode function = object(tool.get("function"), param + ".function");
    ObjectNode spec = Json.object();
    spec.put("name", text(function.get("name"), param + ".function.name"));
    if (!absent(function.get("description"))) {
      String description = text(function.get("description"), param + ".function.description");
      if (!description.isEmpty()) {
        spec.put("description", description); // a NonEmptyString in the model
      }
    }
    JsonNode parameters = function.get("parameters");
    ObjectNode schema;
    if (absent(parameters)) {
      // OpenAI allows omitting parameters (no arguments); Converse requires a JSON schema.
      schema = Json.object().put("type", "object");
      schema.putObject("properties");
    } else {
      schema = (ObjectNode) object(parameters, param + ".function.parameters");
    }
    spec.putObject("inputSchema").set("json", schema);
    JsonNode strict = function.get("strict");
    if (!absent(strict) && bool(strict, param + ".function.strict")) {
      unsupported.handle(param + ".function.strict"); // we can't promise schema-exact arguments
    }
    return spec;
  }

  private static ObjectNode toolChoice(JsonNode choice) {
    if (choice.isTextual()) {
      return switch (choice.textValue()) {
        case "auto" -> single("auto");
        case "required" -> single("any");
        case "none" -> single("none");
        default -> throw invalid("tool_choice",
            "tool_choice: \"" + choice.textValue() + "\" (expected: auto, required, none or a function)");
      };
    }
    object(choice, "tool_choice");
    String type = text(choice.get("type"), "tool_choice.type");
    if (!type.equals("function")) {
      throw invalid("tool_choice.type",
          "tool_choice.type: \"" + type + "\" is not supported by bedrock (expected: function)");
    }
    String name = text(object(choice.get("function"), "tool_choice.function").get("name"),
        "tool_choice.function.name");
    ObjectNode out = Json.object();
    out.putObject("tool").put("name", name);
    return out;
  }

  private static ObjectNode single(String member) {
    ObjectNode out = Json.object();
    out.putObject(member);
    return out;
  }
}
