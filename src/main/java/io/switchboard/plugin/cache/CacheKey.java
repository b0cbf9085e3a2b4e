package io.switchboard.plugin.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Sha256;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cache key of a request: SHA-256 over who asks (the key id), what (the operation and the routing
 * metadata, which can pick another model) and the canonical request body. Canonical means object keys
 * sorted at every depth and numbers by value ({@code 1} and {@code 1.0} are one number), minus the
 * top-level fields that change how or for whom an answer is delivered but not the answer itself.
 */
final class CacheKey {
  /**
   * Top-level request fields left out of the key: {@code stream} and {@code stream_options} (a cached answer
   * serves streaming and non-streaming clients alike), and fields that only identify the end user or steer
   * the provider's own prompt cache.
   */
  static final Set<String> IGNORED = Set.of("stream", "stream_options", "user", "safety_identifier",
      "prompt_cache_key");

  private static final double EXACT_LONG = 9.007199254740992E15;  // 2^53: beyond it doubles skip integers

  private CacheKey() {}

  static String of(Exchange exchange) {
    return of(exchange.keyId(), exchange.operation().label(), exchange.metadata(), exchange.body());
  }

  static String of(String keyId, String operation, Map<String, String> metadata, ObjectNode body) {
    StringBuilder out = new StringBuilder(256);
    string(out, keyId);
    string(out, operation);
    out.append('{');
    for (Map.Entry<String, String> e : (metadata.size() < 2 ? metadata : new TreeMap<>(metadata)).entrySet()) {
      string(out, e.getKey());
      string(out, e.getValue());
    }
    out.append('}');
    object(out, body, true);
    return Sha256.hex(out.toString(), 32);
  }

  private static void value(StringBuilder out, JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> object(out, node, false);
      case ARRAY -> {
        out.append('[');
        for (JsonNode item : node) {
          value(out, item);
        }
        out.append(']');
      }
      case STRING -> string(out, node.textValue());
      case NUMBER -> number(out, node);
      case BOOLEAN -> out.append(node.booleanValue() ? 't' : 'f');
      default -> out.append('n');  // null (missing and binary do not occur in parsed JSON)
    }
  }

  private static void object(StringBuilder out, JsonNode node, boolean top) {
    String[] names = new String[node.size()];
    int n = 0;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!top || !IGNORED.contains(name)) {
        names[n++] = name;
      }
    }
    Arrays.sort(names, 0, n);
    out.append('{');
    for (int i = 0; i < n; i++) {
      string(out, names[i]);
      value(out, node.get(names[i]));
    }
    out.append('}');
  }

  // Length-prefixed, so no string can be mistaken for structure.
  private static void string(StringBuilder out, String s) {
    out.append('s').append(s.length()).append(':').append(s);
  }

  private static void number(StringBuilder out, JsonNode node) {
    if (node.isIntegralNumber()) {
      out.append('i').append(node.canConvertToLong() ? Long.toString(node.longValue()) : node.bigIntegerValue().toString()).append(';');
      return;
    }
    double d = node.doubleValue();
    if (d == Math.rint(d) && Math.abs(d) < EXACT_LONG) {
      out.append('i').append((long) d);
    } else if (node.isBigDecimal()) {
      out.append('d').append(node.decimalValue().stripTrailingZeros().toPlainString());
    } else {
      out.append('d').append(d);
    }
    out.append(';');
  }
}
