package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.config.GatewayConfig.Plugin;
import io.switchboard.plugin.PluginRegistry;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code plugins:} list: each entry's name, type, stage and switch; its {@code config} is read by the plugin. */
record PluginListReader(NodeReader r) {
  private static final Set<String> PLUGIN_KEYS = Set.of("name", "type", "stage", "enabled", "config");

List<Plugin> read(JsonNode list) {
    List<Plugin> out = new ArrayList<>();
    if (!r.isArray(list, "plugins")) {
      return out;
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "plugins[" + i + "]";
      JsonNode node = list.get(i);
      if (!r.isObject(node, path)) {
        continue;
      }
      r.onlyKeys(node, path, PLUGIN_KEYS);
      String name = r.string(node, "name", path, true);
      PluginRegistry.Entry entry = name == null ? null : PluginRegistry.lookup(name);
      if (name != null && entry == null) {
        r.problem(path + ".name", "\"" + name + "\" is not a plugin (expected one of: "
            + String.join(", ", PluginRegistry.names().stream().sorted().toList()) + ")");
      }
      String type = r.string(node, "type", path, false);
      if (type != null && !PluginRegistry.types().contains(type)) {
        r.problem(path + ".type", "\"" + type + "\" is not a plugin type (expected one of: "
            + String.join(", ", PluginRegistry.types()) + ")");
        type = null;
      }
      String stageName = r.string(node, "stage", path, false);
      Stage stage = stageName == null ? Stage.BEFORE_REQUEST : Stage.of(stageName);
      if (stage == null) {
        r.problem(path + ".stage", "\"" + stageName + "\" is not a stage (expected one of: before_request, "
            + "after_request, on_error)");
      }
      boolean enabled = r.bool(node, "enabled", path, true);
      JsonNode config = node.get("config");
      if (config == null || config.isNull()) {
        config = JsonNodeFactory.instance.objectNode();
      } else if (!config.isObject()) {
        r.problem(path + ".config", "expected an object, got " + NodeReader.describe(config));
        config = null;
      }
      if (name != null && names.put(name, i) != null) {
        r.problem(path + ".name", "plugin \"" + name + "\" is configured twice");
      }
      PluginSettings settings = entry == null || stage == null || config == null ? null
          : PluginRegistry.read(r, entry, type, stage, config, path);
      out.add(new Plugin(name, type == null && entry != null ? entry.type() : type,
          stage == null ? stageName : stage.configName(), enabled, config, settings));
    }
    return out;
  }
}
