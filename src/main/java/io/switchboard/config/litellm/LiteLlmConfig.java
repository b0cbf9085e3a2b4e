package io.switchboard.config.litellm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.Preset;
import io.switchboard.config.Presets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a LiteLLM Proxy config ({@code model_list}, {@code router_settings}, {@code litellm_settings}, ...) as a
 * Switchboard config tree, which then goes through the normal validation. Native Switchboard keys in the same
 * file are kept; what LiteLLM adds is appended after them. Settings accepted but not acted on become warnings;
 * settings this version cannot honour become problems.
 */
public final class LiteLlmConfig {
  public static final List<String> ROOT_KEYS = List.of(
      "model_list", "router_settings", "litellm_settings", "general_settings", "environment_variables");

  /**
   * LiteLLM provider prefixes of the kinds this build names natively, with the provider type each becomes.
   * Every preset's name and aliases (groq, together_ai, hosted_vllm, azure_ai, ...) are prefixes too.
   */
  private static final Map<String, String> NATIVE_PREFIXES = orderedMap(
      "openai", "openai", "anthropic", "anthropic", "gemini", "gemini", "vertex_ai", "vertex-ai",
      "bedrock", "bedrock", "cohere", "cohere", "cohere_chat", "cohere", "azure", "azure",
      "openai_like", "openai-compatible", "custom_openai", "openai-compatible");

  private LiteLlmConfig() {}

  static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }

  /** The provider type or preset a LiteLLM prefix becomes, or null when this build has none. */
  static String providerFor(String prefix) {
    String nativeType = NATIVE_PREFIXES.get(prefix);
    if (nativeType != null) {
      return nativeType;
    }
    return Presets.find(prefix).map(Preset::name).orElse(null);
  }

  public static String expectedPrefixes() {
    return String.join(", ", NATIVE_PREFIXES.keySet()) + ", or an OpenAI-compatible preset: "
        + String.join(", ", Presets.all().stream().map(Preset::name).toList());
  }

  public static boolean isLiteLlm(ObjectNode root) {
    return ROOT_KEYS.stream().anyMatch(root::has);
  }

  public static ObjectNode translate(ObjectNode root, List<String> problems, List<String> warnings) {
    return translate(root, problems, warnings, new HashMap<>());
  }

  /**
   * As {@link #translate(ObjectNode, List, List)}, also recording in {@code origins} where each translated path
   * came from, so that {@link #relocate} can report validation problems where the user wrote the setting.
   */
  public static ObjectNode translate(ObjectNode root, List<String> problems, List<String> warnings,
      Map<String, String> origins) {
    return new Translation(root, problems, warnings, origins).run();
  }

  /** Rewrites the path of each {@code path: message} problem that lies under a translated path. */
  public static List<String> relocate(List<String> problems, Map<String, String> origins) {
    if (origins.isEmpty()) {
      return problems;
    }
    List<String> out = new ArrayList<>(problems.size());
    for (String problem : problems) {
      int colon = problem.indexOf(": ");
      String path = colon < 0 ? problem : problem.substring(0, colon);
      String best = null;
      for (String from : origins.keySet()) {
        boolean under = path.equals(from) || path.startsWith(from + ".") || path.startsWith(from + "[");
        if (under && (best == null || from.length() > best.length())) {
          best = from;
        }
      }
      out.add(best == null ? problem : origins.get(best) + problem.substring(best.length()));
    }
    return out;
  }
}
