package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.ModelInfo.Capability;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAI-compatible provider presets shipped in the jar, read once; a mistake in the file fails the build's tests. */
public final class Presets {
  private static final String RESOURCE = "/providers/openai-compatible.yaml";
  private static final Set<String> FIELDS = Set.of("aliases", "base_url", "env", "key_env", "key_required", "auth",
      "options", "unsupported_params", "renamed_params", "stream_usage", "repair_tool_calls", "families", "models", "base_url_env", "register", "base_url_style", "models_env");
  private static final Set<String> MODEL_FIELDS = Set.of("id", "context", "vision", "tools", "embedding");
  /** A {@code {name}} placeholder in a base URL. */
  static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
  private static final Map<String, Preset> BY_NAME = load();

  private Presets() {}

  /** The preset named (or aliased) {@code name}, any case, '_' or '-'. */
  public static Optional<Preset> find(String name) {
    return Optional.ofNullable(BY_NAME.get(normalize(name)));
  }

  /** Every preset once, in file order. */
  public static Collection<Preset> all() {
    return BY_NAME.values().stream().distinct().toList();
  }

  /** The per-account fields any preset reads ({@code account_id}, {@code workspace}, ...). */
  public static Set<String> optionNames() {
    Set<String> names = new TreeSet<>();
    all().forEach(p -> names.addAll(p.options().keySet()));
    return names;
  }

  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Map<String, Preset> load() {
    try (InputStream in = Presets.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
      Map<String, Preset> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Preset preset = preset(e.getKey(), e.getValue());
        for (String name : names(preset)) {
          Preset before = out.putIfAbsent(normalize(name), preset);
          // An alias may repeat its own preset's name in LiteLLM's spelling (nvidia_nim for nvidia-nim).
          if (before != null && before != preset || ProviderType.parse(name).isPresent()) {
            throw new IllegalStateException(RESOURCE + ": the name " + name + " is taken twice");
          }
        }
      }
      // Keeps file order for all(): a LinkedHashMap, read only after this point.
      return java.util.Collections.unmodifiableMap(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> names(Preset preset) {
    List<String> names = new ArrayList<>(preset.aliases());
    names.addFirst(preset.name());
    return names;
  }

  private static Preset preset(String name, JsonNode node) {
    String where = RESOURCE + ": " + name;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalStateException(where + ": unknown field " + field + " (expected one of " + FIELDS + ")");
      }
    }
    String baseUrl = node.path("base_url").asText(null);
    List<String> envs = strings(node.path("env"));
    String env = envs.isEmpty() ? name.toUpperCase(Locale.ROOT).replace('-', '_') : envs.getFirst();
    List<List<String>> register = new ArrayList<>();
    node.path("register").forEach(set -> register.add(strings(set)));
    Preset.Environment environment = new Preset.Environment(envs.isEmpty() ? List.of() : envs.subList(1, envs.size()),
        strings(node.path("base_url_env")), register, apiRoot(where, node.path("base_url_style")),
        strings(node.path("models_env")));
    Map<String, List<String>> options = new LinkedHashMap<>();
    node.path("options").fields().forEachRemaining(o -> options.put(o.getKey(), strings(o.getValue())));
    Set<String> placeholders = new HashSet<>();
    if (baseUrl != null) {
      Matcher m = PLACEHOLDER.matcher(baseUrl);
      while (m.find()) {
        placeholders.add(m.group(1));
      }
    }
    if (!placeholders.equals(options.keySet())) {
      throw new IllegalStateException(where + ": base_url placeholders " + placeholders + " differ from options "
          + options.keySet());
    }
    Preset.Quirks quirks = new Preset.Quirks(new HashSet<>(strings(node.path("unsupported_params"))),
        stringMap(node.path("renamed_params")), node.path("stream_usage").asBoolean(true),
        node.path("repair_tool_calls").asBoolean(false));
    String families = node.path("families").asText(null);
    List<ModelInfo> models = new ArrayList<>();
    node.path("models").forEach(m -> models.add(model(where, m)));
    return new Preset(name, strings(node.path("aliases")), baseUrl, env, node.path("key_required").asBoolean(true),
        strings(node.path("key_env")), auth(where, node.path("auth")), options, quirks,
        families == null ? null : Pattern.compile(families), models, environment);
  }

  /** {@code root} (the default: Ferro's rule), {@code verbatim}, or {@code {mount: <path>}}; null for the default. */
  private static ApiRoot apiRoot(String where, JsonNode node) {
    if (node.isMissingNode() || "root".equals(node.asText())) {
      return null;
    }
    if ("verbatim".equals(node.asText())) {
      return ApiRoot.VERBATIM;
    }
    if (node.path("mount").isTextual() && node.path("mount").asText().startsWith("/")) {
      return ApiRoot.mount(node.path("mount").asText());
    }
    throw new IllegalStateException(where + ": base_url_style " + node + " (expected: root, verbatim, or {mount: /<path>})");
  }

  /** {@code bearer} (the default), {@code none}, or {@code {header: <name>}}. */
  private static Preset.Auth auth(String where, JsonNode node) {
    if (node.isMissingNode() || "bearer".equals(node.asText())) {
      return Preset.Auth.BEARER;
    }
    if ("none".equals(node.asText())) {
      return Preset.Auth.NONE;
    }
    if (node.path("header").isTextual()) {
      return Preset.Auth.header(node.path("header").asText().toLowerCase(Locale.ROOT));
    }
    throw new IllegalStateException(where + ": auth " + node + " (expected: bearer, none, or {header: <name>})");
  }

  /** {@code {id, context, vision, tools, embedding}}: a chat model that streams and calls tools unless told. */
  private static ModelInfo model(String where, JsonNode node) {
    node.fieldNames().forEachRemaining(f -> {
      if (!MODEL_FIELDS.contains(f)) {
        throw new IllegalStateException(where + ": unknown model field " + f);
      }
    });
    String id = node.path("id").asText(null);
    if (id == null) {
      throw new IllegalStateException(where + ": a model without an id");
    }
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    if (node.path("embedding").asBoolean(false)) {
      caps.add(Capability.EMBEDDINGS);
    } else {
      caps.add(Capability.CHAT);
      caps.add(Capability.STREAMING);
      if (node.path("tools").asBoolean(true)) {
        caps.add(Capability.TOOLS);
      }
      if (node.path("vision").asBoolean(false)) {
        caps.add(Capability.VISION);
      }
    }
    return new ModelInfo(id, node.path("context").asInt(0), caps);
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    }
    node.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
