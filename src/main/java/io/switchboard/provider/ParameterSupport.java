package io.switchboard.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What a provider does with one OpenAI chat parameter, as {@code GET /v1/capabilities} reports it: sends it under
 * the same name and meaning (case and nesting aside), expresses it through a differently named or shaped
 * parameter of its own API, or has no equivalent (then {@code compatibility.on_unsupported_param} applies; a
 * parameter honoured only at its default value counts as unsupported).
 */
public enum ParameterSupport {
  FORWARD, TRANSLATE, UNSUPPORTED;

  /** The parameters reported, the ones clients most often depend on (the reference gateway reports the same set). */
  public static final List<String> REPORTED = List.of("frequency_penalty", "logit_bias", "logprobs",
      "max_completion_tokens", "max_tokens", "n", "parallel_tool_calls", "presence_penalty", "response_format",
      "seed", "stop", "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user");

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every reported parameter classified by {@code rule}, in {@link #REPORTED}'s order. */
  public static Map<String, ParameterSupport> table(Function<String, ParameterSupport> rule) {
    Map<String, ParameterSupport> out = new LinkedHashMap<>();
    for (String param : REPORTED) {
      out.put(param, rule.apply(param));
    }
    return out;
  }

  /** An OpenAI-wire provider: every parameter goes through as the client sent it. */
  public static Map<String, ParameterSupport> allForward() {
    return table(p -> FORWARD);
  }
}
