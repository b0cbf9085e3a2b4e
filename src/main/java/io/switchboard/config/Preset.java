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
    List<ModelInfo> models, Environment environment) {
  public Preset {
    aliases = List.copyOf(aliases);
    keyEnv = List.copyOf(keyEnv);
    options = Map.copyOf(options);
    models = List.copyOf(models);
  }

  /**
   * Where the preset meets the environment beyond {@code <P>_API_KEY} and {@code <P>_BASE_URL}.
   *
   * @param prefixAliases more prefixes read as {@code <P>}, after the preset's own (DASHSCOPE for qwen)
   * @param baseUrlEnv more variables read for the base URL, before the {@code <P>_BASE_URL}s (OLLAMA_HOST)
   * @param register the sets of variables that add the provider when a config has no providers block: it is
   *     added when every variable of one set is set; empty: each prefix's {@code _API_KEY} (or {@code _BASE_URL}
   *     for a server that needs no key) alone
   * @param apiRoot how a configured base URL becomes the API root
   * @param modelsEnv variables holding a comma-separated model list, the first one set wins (FERRO_OLLAMA_MODELS):
   *     a provider added from the environment serves exactly those
   */
  public record Environment(List<String> prefixAliases, List<String> baseUrlEnv, List<List<String>> register,
      ApiRoot apiRoot, List<String> modelsEnv) {
    public static final Environment DEFAULT = new Environment(List.of(), List.of(), List.of(), null, List.of());

    public Environment {
      prefixAliases = List.copyOf(prefixAliases);
      baseUrlEnv = List.copyOf(baseUrlEnv);
      register = register.stream().map(List::copyOf).toList();
      modelsEnv = List.copyOf(modelsEnv);
    }
  }

  /**
   * The models {@code env} lists for a provider added from it, or empty. An entry that looks like a path is
   * dropped: {@code OLLAMA_MODELS} is also Ollama's own variable for its models directory.
   */
  public List<String> modelsFrom(Map<String, String> env) {
    for (String name : environment.modelsEnv()) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return java.util.Arrays.stream(value.split(",")).map(String::strip)
            .filter(m -> !m.isEmpty() && !m.contains("/") && !m.contains("\\") && !m.startsWith(".")
                && !m.startsWith("~"))
            .toList();
      }
    }
    return List.of();
  }

  private List<String> prefixes() {
    List<String> out = new java.util.ArrayList<>(List.of(envPrefix));
    out.addAll(environment.prefixAliases());
    return out;
  }

  /** The variables read for the API key, in order. */
  public List<String> apiKeyEnv() {
    List<String> names = new java.util.ArrayList<>(prefixes().stream().map(p -> p + "_API_KEY").toList());
    names.addAll(keyEnv);
    return names;
  }

  /** The variables read for the base URL, in order. */
  public List<String> baseUrlEnv() {
    List<String> names = new java.util.ArrayList<>(environment.baseUrlEnv());
    prefixes().forEach(p -> names.add(p + "_BASE_URL"));
    return names;
  }

  /** The sets of variables any of which, all set, adds this preset's provider from the environment alone. */
  public List<List<String>> registerEnv() {
    if (!environment.register().isEmpty()) {
      return environment.register();
    }
    String suffix = keyRequired ? "_API_KEY" : "_BASE_URL";
    return prefixes().stream().map(p -> List.of(p + suffix)).toList();
  }

  /** Whether {@code env} adds this preset's provider when a config has no providers block. */
  public boolean registeredBy(Map<String, String> env) {
    return registerEnv().stream().anyMatch(set -> set.stream().allMatch(n -> !env.getOrDefault(n, "").isBlank()));
  }

  /** How a configured base URL becomes the API root: Ferro's rule unless the preset says otherwise. */
  public ApiRoot apiRoot() {
    return environment.apiRoot() != null ? environment.apiRoot() : ApiRoot.of(baseUrl);
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
