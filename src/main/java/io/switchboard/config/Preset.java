package io.switchboard.config;

import io.switchboard.provider.ModelInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named OpenAI-compatible provider, as data (src/main/resources/providers/openai-compatible.yaml): where it
 * lives, how it authenticates, which environment variables configure it, what it serves, and where it departs
 * from the OpenAI API.
 *
 * @param baseUrl the API root, with {@code {option}} placeholders for per-account parts; null where every
 *     user runs their own server and the config must give {@code base_url}
 * @param keyEnv more variables read for the API key after {@code <P>_API_KEY} (HF_TOKEN, DATABRICKS_TOKEN)
 * @param options the placeholders of {@code baseUrl}, each with the variables that may fill it
 * @param families model ids this preset serves when its config lists none (null: any model)
 */
public record Preset(String name, List<String> aliases, String baseUrl, String envPrefix, boolean keyRequired,
    List<String> keyEnv, Auth auth, Map<String, List<String>> options, Quirks quirks, Pattern families,
    List<ModelInfo> models) {
  public Preset {
    aliases = List.copyOf(aliases);
    keyEnv = List.copyOf(keyEnv);
    options = Map.copyOf(options);
    models = List.copyOf(models);
  }

  /** The variables read for the API key, in order. */
  public List<String> apiKeyEnv() {
    List<String> names = new java.util.ArrayList<>(List.of(envPrefix + "_API_KEY"));
    names.addAll(keyEnv);
    return names;
  }

  /**
   * How the key travels: {@code header} (null for none) carries {@code prefix + key}.
   */
  public record Auth(String header, String prefix) {
    public static final Auth BEARER = new Auth("authorization", "Bearer ");
    public static final Auth NONE = new Auth(null, "");

    /** The key in a header of its own, such as {@code api-key} or {@code x-api-key}. */
    public static Auth header(String name) {
      return new Auth(name, "");
    }

    public boolean sendsKey() {
      return header != null;
    }
  }

  /**
   * Where the provider departs from the OpenAI API: request parameters it does not know ({@code
   * unsupported}, handled by {@code compatibility.on_unsupported_param}), parameters it knows by another name
   * ({@code renamed}), and whether it accepts {@code stream_options} ({@code streamUsage}).
   */
  public record Quirks(Set<String> unsupported, Map<String, String> renamed, boolean streamUsage,
      boolean repairToolCalls) {
    public static final Quirks NONE = new Quirks(Set.of(), Map.of(), true, false);

    /** Request-side quirks only. */
    public Quirks(Set<String> unsupported, Map<String, String> renamed, boolean streamUsage) {
      this(unsupported, renamed, streamUsage, false);
    }

    public Quirks {
      unsupported = Set.copyOf(unsupported);
      renamed = Map.copyOf(renamed);
    }

    public boolean none() {
      return unsupported.isEmpty() && renamed.isEmpty() && streamUsage;
    }
  }
}
