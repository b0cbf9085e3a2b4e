package io.switchboard.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads YAML (and JSON, a subset) into a tree with anchors, aliases and merge keys resolved, as the reference
 * gateway's YAML library does: {@code config: *budget} is the anchored object, and {@code <<: *base} merges its
 * keys under the ones written beside it. Jackson's tree reader hands an alias back as the anchor's name.
 * Duplicate keys are refused; alias expansion is bounded so that a small file cannot expand into a huge tree.
 */
final class YamlTree {
  /** Far above any real config; a "billion laughs" file reaches it after a few levels. */
  static final int MAX_NODES = 1_000_000;
  private static final String MERGE_KEY = "<<";
  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final YAMLParser parser;
  private final Map<String, JsonNode> anchors = new HashMap<>();
  private int nodes;

  private YamlTree(YAMLParser parser) {
    this.parser = parser;
  }

  /** The document's tree, or null for an empty one. */
  static JsonNode read(String text) throws IOException {
    try (YAMLParser parser = (YAMLParser) FACTORY.createParser(text)) {
      YamlTree tree = new YamlTree(parser);
      JsonToken first = parser.nextToken();
      return first == null ? null : tree.value(first);
    }
  }

  /** Thrown when aliases would expand past {@link #MAX_NODES}. */
  static final class TooLarge extends IOException {
    TooLarge() {
      super("the config expands to more than " + MAX_NODES + " values through its aliases");
    }
  }

  private JsonNode value(JsonToken token) throws IOException {
    String anchor = parser.getCurrentAnchor();
    JsonNode node;
    if (parser.isCurrentAlias()) {
      JsonNode target = anchors.get(parser.getText());
      if (target == null) {
        throw new JsonParseException(parser,
            "alias *" + parser.getText() + " refers to no anchor defined before it");
      }
      count(size(target));
      return target.deepCopy();
    }
    node = switch (token) {
      case START_OBJECT -> object();
      case START_ARRAY -> array();
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> integral();
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> NODES.textNode(parser.getText());
    };
    count(1);
    if (anchor != null) {
      anchors.put(anchor, node);
    }
    return node;
  }

  private JsonNode integral() throws IOException {
    return switch (parser.getNumberType()) {
      case INT -> NODES.numberNode(parser.getIntValue());
      case LONG -> NODES.numberNode(parser.getLongValue());
      default -> NODES.numberNode(parser.getBigIntegerValue());
    };
  }

  private ObjectNode object() throws IOException {
    ObjectNode out = NODES.objectNode();
    ObjectNode merged = null;
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String name = parser.currentName();
      JsonNode value = value(parser.nextToken());
      if (MERGE_KEY.equals(name) && (value.isObject() || value.isArray())) {
        merged = merged == null ? NODES.objectNode() : merged;
        mergeInto(merged, value, name);
      } else {
        out.set(name, value);
      }
    }
    if (merged != null) {
      // Keys written beside the merge key win over merged ones.
      for (Iterator<Map.Entry<String, JsonNode>> it = merged.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!out.has(e.getKey())) {
          out.set(e.getKey(), e.getValue());
        }
      }
    }
    return out;
  }

  /** {@code <<: *a} or {@code <<: [*a, *b]}: earlier maps in the list win. */
  private void mergeInto(ObjectNode merged, JsonNode value, String name) throws IOException {
    if (value.isObject()) {
      value.properties().forEach(e -> {
        if (!merged.has(e.getKey())) {
          merged.set(e.getKey(), e.getValue());
        }
      });
      return;
    }
    for (JsonNode item : value) {
      if (!item.isObject()) {
        throw new JsonParseException(parser,
            "a merge key (" + name + ") takes a mapping or a list of mappings");
      }
      mergeInto(merged, item, name);
    }
  }

  private ArrayNode array() throws IOException {
    ArrayNode out = NODES.arrayNode();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      out.add(value(t));
    }
    return out;
  }

  private void count(int added) throws TooLarge {
    nodes += added;
    if (nodes > MAX_NODES || nodes < 0) {
      throw new TooLarge();
    }
  }

  private static int size(JsonNode node) {
    int n = 1;
    for (JsonNode child : node) {
      n += size(child);
      if (n > MAX_NODES) {
        return n;
      }
    }
    return n;
  }
}
