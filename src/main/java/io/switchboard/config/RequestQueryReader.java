package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/** A conditional strategy's query (Portkey's syntax), checked field by field and operator by operator. */
record RequestQueryReader(NodeReader r) {

  /** A query object: field conditions and $and / $or, all of which must hold. */
  RequestQuery read(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      r.problem(path, "is required");
      return null;
    }
    if (!node.isObject()) {
      r.problem(path, "expected an object of field conditions, got " + NodeReader.describe(node));
      return null;
    }
    if (node.isEmpty()) {
      r.problem(path, "is empty (expected: at least one field, $and or $or)");
      return null;
    }
    List<RequestQuery> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      String at = path + "." + key;
      if (key.equals("$and") || key.equals("$or")) {
        if (!value.isArray() || value.isEmpty()) {
          r.problem(at, "expected a non-empty list of queries, got " + NodeReader.describe(value));
          continue;
        }
        List<RequestQuery> subs = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
          RequestQuery q = read(value.get(i), at + "[" + i + "]");
          if (q != null) {
            subs.add(q);
          }
        }
        parts.add(key.equals("$and") ? new RequestQuery.All(subs) : new RequestQuery.Any(subs));
      } else if (key.startsWith("$")) {
        r.problem(at, "\"" + key + "\" is not a combinator here (expected: $and, $or, or a field)");
      } else {
        RequestQuery.Field field = queryField(key, at);
        if (value.isObject() && !value.isEmpty() && allOperators(value)) {
          for (Iterator<Map.Entry<String, JsonNode>> ops = value.fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            RequestQuery.Test test = test(field, op.getKey(), op.getValue(), at + "." + op.getKey());
            if (test != null) {
              parts.add(test);
            }
          }
        } else if (value.isContainerNode()) {
          r.problem(at, "expected a value or an object of operators ($eq, $in, ...), got " + NodeReader.describe(value));
        } else if (field != null) {
          parts.add(new RequestQuery.Test(field, RequestQuery.Operator.EQ, value, null));
        }
      }
    }
    return parts.size() == 1 ? parts.getFirst() : new RequestQuery.All(parts);
  }

  static boolean allOperators(JsonNode object) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      if (!it.next().startsWith("$")) {
        return false;
      }
    }
    return true;
  }

  RequestQuery.Field queryField(String key, String path) {
    return switch (key) {
      case "model" -> new RequestQuery.Field(RequestQuery.Kind.MODEL, List.of());
      case "user" -> new RequestQuery.Field(RequestQuery.Kind.USER, List.of());
      case "stream" -> new RequestQuery.Field(RequestQuery.Kind.STREAM, List.of());
      case "has_tools" -> new RequestQuery.Field(RequestQuery.Kind.HAS_TOOLS, List.of());
      default -> {
        if (key.startsWith("metadata.") && key.length() > "metadata.".length()) {
          yield new RequestQuery.Field(RequestQuery.Kind.METADATA, List.of(key.substring("metadata.".length())));
        }
        if (key.startsWith("params.") && key.length() > "params.".length()
            && !List.of(key.substring("params.".length()).split("\\.", -1)).contains("")) {
          yield new RequestQuery.Field(RequestQuery.Kind.PARAMS,
              List.of(key.substring("params.".length()).split("\\.")));
        }
        r.problem(path, "unknown field (expected: model, user, stream, has_tools, metadata.<key>, "
            + "params.<body field>)");
        yield null;
      }
    };
  }

  RequestQuery.Test test(RequestQuery.Field field, String opKey, JsonNode operand, String path) {
    RequestQuery.Operator op = RequestQuery.Operator.parse(opKey);
    if (op == null) {
      r.problem(path, "\"" + opKey + "\" is not an operator (expected: " + String.join(", ",
          java.util.Arrays.stream(RequestQuery.Operator.values()).map(RequestQuery.Operator::key).toList()) + ")");
      return null;
    }
    java.util.regex.Pattern pattern = null;
    String expected = switch (op) {
      case EQ, NE -> operand.isContainerNode() ? "a string, number, boolean or null" : null;
      case IN, NIN -> operand.isArray() && java.util.stream.StreamSupport.stream(operand.spliterator(), false)
          .noneMatch(JsonNode::isContainerNode) ? null : "a list of values";
      case GT, GTE, LT, LTE -> operand.isNumber() ? null : "a number";
      case EXISTS -> operand.isBoolean() ? null : "true or false";
      case PREFIX -> operand.isTextual() ? null : "a string";
      case REGEX -> {
        if (!operand.isTextual()) {
          yield "a string";
        }
        try {
          pattern = java.util.regex.Pattern.compile(operand.asText());
          yield null;
        } catch (PatternSyntaxException e) {
          r.problem(path, "\"" + operand.asText() + "\" is not a valid regular expression (" + e.getDescription() + ")");
          yield "";
        }
      }
    };
    if (expected != null) {
      if (!expected.isEmpty()) {
        r.problem(path, NodeReader.describe(operand) + " is not a valid operand (expected: " + expected + ")");
      }
      return null;
    }
    return field == null ? null : new RequestQuery.Test(field, op, operand, pattern);
  }
}
