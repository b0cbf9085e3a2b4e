package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code conditional} strategy's query over a request, parsed and checked at load time. The syntax is
 * Portkey's: {@code {field: value}} means {@code $eq}; {@code {field: {$op: operand, ...}}}; and
 * {@code $and} / {@code $or} over lists of queries. Keys of one object must all hold.
 */
public sealed interface RequestQuery {
  record All(List<RequestQuery> parts) implements RequestQuery {
    public All {
      parts = List.copyOf(parts);
    }
  }

  record Any(List<RequestQuery> parts) implements RequestQuery {
    public Any {
      parts = List.copyOf(parts);
    }
  }

  /** {@code pattern} is set for {@code $regex} only. */
  record Test(Field field, Operator op, JsonNode operand, Pattern pattern) implements RequestQuery {}

  /** {@code path} is the metadata key or the body field path after {@code params.}, empty otherwise. */
  record Field(Kind kind, List<String> path) {
    public Field {
      path = List.copyOf(path);
    }
  }

  enum Kind { MODEL, USER, STREAM, HAS_TOOLS, METADATA, PARAMS }

  enum Operator {
    EQ("$eq"), NE("$ne"), IN("$in"), NIN("$nin"), GT("$gt"), GTE("$gte"), LT("$lt"), LTE("$lte"),
    REGEX("$regex"), EXISTS("$exists"), PREFIX("$prefix");

    private final String key;

    Operator(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    static Operator parse(String key) {
      for (Operator op : values()) {
        if (op.key.equals(key)) {
          return op;
        }
      }
      return null;
    }
  }
}
