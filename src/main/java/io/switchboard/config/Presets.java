package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The OpenAI-compatible provider presets shipped in the jar, read once. */
public final class Presets {
  private static final String RESOURCE = "/providers/openai-compatible.yaml";
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
          if (out.putIfAbsent(normalize(name), preset) != null || ProviderType.parse(name).isPresent()) {
            throw new IllegalStateException(RESOURCE + ": the name " + name + " is taken twice");
          }
        }
      }
      return Map.copyOf(out);
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
    List<String> aliases = new ArrayList<>();
    node.path("aliases").forEach(a -> aliases.add(a.asText()));
    String baseUrl = node.path("base_url").asText(null);
    String env = node.path("env").asText(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    return new Preset(name, aliases, baseUrl, env, node.path("key_required").asBoolean(true));
  }
}
