package io.switchboard.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import java.time.Instant;

/** A finished Replicate prediction as an OpenAI chat completion. Pure. */
public final class ReplicateResponseMapper {
  private ReplicateResponseMapper() {}

  /** The state of a prediction, from its {@code status}. */
  public enum State {
    RUNNING, SUCCEEDED, FAILED;

    static State of(JsonNode prediction) {
      return switch (prediction.path("status").asText("")) {
        case "succeeded" -> SUCCEEDED;
        case "failed", "canceled", "aborted" -> FAILED;
        default -> RUNNING;  // starting, processing
      };
    }
  }

  public static State state(JsonNode prediction) {
    return State.of(prediction);
  }

  /** Why a prediction failed, for the error the client gets. */
  public static String failure(JsonNode prediction) {
    String error = prediction.path("error").isNull() ? "" : prediction.path("error").asText("");
    return "Replicate prediction " + prediction.path("id").asText("") + " " + prediction.path("status").asText("")
        + (error.isEmpty() ? "" : ": " + error);
  }

  /** {@code output} is a string, or the list of tokens a language model produced, joined here. */
  public static ObjectNode toChatCompletion(JsonNode prediction, String model) {
    ObjectNode out = Json.object();
    out.put("id", "chatcmpl-" + prediction.path("id").asText(""));
    out.put("object", "chat.completion");
    out.put("created", Instant.now().getEpochSecond());
    out.put("model", model);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", text(prediction.path("output")));
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    JsonNode metrics = prediction.path("metrics");
    if (metrics.has("input_token_count") || metrics.has("output_token_count")) {
      int in = metrics.path("input_token_count").asInt();
      int outTokens = metrics.path("output_token_count").asInt();
      ObjectNode usage = out.putObject("usage");
      usage.put("prompt_tokens", in);
      usage.put("completion_tokens", outTokens);
      usage.put("total_tokens", in + outTokens);
    }
    return out;
  }

  static String text(JsonNode output) {
    if (output.isTextual()) {
      return output.asText();
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode token : output) {
      if (token.isTextual()) {
        out.append(token.asText());
      }
    }
    return out.toString();
  }
}
