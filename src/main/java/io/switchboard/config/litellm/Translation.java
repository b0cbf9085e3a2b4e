package io.switchboard.config.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.config.NodeReader;
import io.switchboard.config.ProviderType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One translation in progress: the file read, the tree written, the problems, warnings and origins recorded,
 * and what the deployments of model_list became. The translators of each part share it.
 */
final class Translation {
  static final Pattern OS_ENVIRON = Pattern.compile("^os\\.environ/(.*)$", Pattern.DOTALL);
  static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
  static final int MAX_RETRIES = 9;  // the validator allows at most 10 attempts
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** One LiteLLM deployment, translated; {@code modelId} is the model sent upstream. */
  record Deployment(String path, String modelName, String providerKey, ProviderType type, String modelId,
      boolean wildcard, ObjectNode target, boolean ownRetries) {}

  final ObjectNode in;
  final List<String> problems;
  final List<String> warnings;
  final Map<String, String> origins;
  final ObjectNode out;
  final Set<String> usedKeys = new HashSet<>();
  final List<Deployment> deployments = new ArrayList<>();
  final Map<String, List<Deployment>> groups = new LinkedHashMap<>();
  final Set<String> written = new HashSet<>();  // every model_name in model_list, translated or not
  final ObjectNode router;
  final ObjectNode settings;

  Translation(ObjectNode in, List<String> problems, List<String> warnings, Map<String, String> origins) {
    this.in = in;
    this.problems = problems;
    this.warnings = warnings;
    this.origins = origins;
    this.out = in.deepCopy();
    LiteLlmConfig.ROOT_KEYS.forEach(out::remove);
    this.router = object(in, "router_settings");
    this.settings = object(in, "litellm_settings");
  }

  ObjectNode run() {
    DeploymentTranslator models = new DeploymentTranslator(this);
    models.deployments(models.nativeProviders());
    RoutingTranslator routing = new RoutingTranslator(this);
    routing.targets();
    routing.strategy();
    routing.aliases();
    SettingsTranslator rest = new SettingsTranslator(this);
    rest.plugins();
    rest.compatibility();
    rest.otherSettings();
    return out;
  }

  List<Setting> both(String field) {
    List<Setting> out = new ArrayList<>();
    if (router.hasNonNull(field)) {
      out.add(new Setting("router_settings", field, router));
    }
    if (settings.hasNonNull(field)) {
      out.add(new Setting("litellm_settings", field, settings));
    }
    return out;
  }

  /** {@code os.environ/VAR} anywhere in litellm_params becomes {@code ${VAR}}, resolved by the loader. */
  void environmentReferences(JsonNode node, String path) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          e.setValue(environmentReference(e.getValue(), at));
        } else {
          environmentReferences(e.getValue(), at);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, environmentReference(array.get(i), path + "[" + i + "]"));
        } else {
          environmentReferences(array.get(i), path + "[" + i + "]");
        }
      }
    }
  }

  JsonNode environmentReference(JsonNode value, String path) {
    var m = OS_ENVIRON.matcher(value.asText());
    if (!m.matches()) {
      return value;
    }
    if (!ENV_NAME.matcher(m.group(1)).matches()) {
      problem(path, "\"" + value.asText() + "\" does not name an environment variable (expected: "
          + "os.environ/NAME, with letters, digits and '_')");
      return value;
    }
    return new TextNode("${" + m.group(1) + "}");
  }

  void copy(ObjectNode from, String field, ObjectNode to, String as, String fromPath, String toPath) {
    JsonNode value = from.get(field);
    if (value != null && !value.isNull()) {
      to.set(as, value);
      origins.put(toPath + "." + as, fromPath + "." + field);
    }
  }

  /** A router-wide setting, looked up in router_settings first (which LiteLLM gives precedence), then litellm_settings. */
  record Setting(String where, String field, ObjectNode parent) {
    JsonNode value() {
      return parent.get(field);
    }

    String path() {
      return where + "." + field;
    }
  }

  Setting setting(String field) {
    if (router.hasNonNull(field)) {
      return new Setting("router_settings", field, router);
    }
    return settings.hasNonNull(field) ? new Setting("litellm_settings", field, settings) : null;
  }

  ObjectNode object(ObjectNode root, String field) {
    return root.get(field) instanceof ObjectNode o ? o : JSON.objectNode();
  }

  String text(JsonNode parent, String field, String path, boolean required) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        problem(path + "." + field, "is required");
      }
      return null;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      problem(path + "." + field, "expected a non-empty string, got " + NodeReader.describe(node));
      return null;
    }
    return node.asText();
  }

  Integer wholeNumber(JsonNode parent, String field, String path, int min, int max) {
    NodeReader reader = new NodeReader();
    Integer value = reader.integer(parent, field, path, null, min, max);
    problems.addAll(reader.problems());
    return value;
  }

  void problem(String path, String message) {
    problems.add(path + ": " + message);
  }

  void warn(String path, String message) {
    warnings.add(path + ": " + message);
  }
}
