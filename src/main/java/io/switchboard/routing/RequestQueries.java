package io.switchboard.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.config.RequestQuery;

/** Evaluates a {@link RequestQuery} against a request's facts. A field the request lacks matches only $ne, $nin and $exists: false. */
final class RequestQueries {
  private RequestQueries() {}

  static boolean matches(RequestQuery query, RequestFacts request) {
    return switch (query) {
      case RequestQuery.All all -> {
        for (RequestQuery q : all.parts()) {
          if (!matches(q, request)) {
            yield false;
          }
        }
        yield true;
      }
      case RequestQuery.Any any -> {
        for (RequestQuery q : any.parts()) {
          if (matches(q, request)) {
            yield true;
          }
        }
        yield false;
      }
      case RequestQuery.Test test -> test(test, value(test.field(), request));
    };
  }

  static JsonNode value(RequestQuery.Field field, RequestFacts request) {
    return switch (field.kind()) {
      case MODEL -> TextNode.valueOf(request.model());
      case USER -> request.user() == null ? MissingNode.getInstance() : TextNode.valueOf(request.user());
      case STREAM -> BooleanNode.valueOf(request.stream());
      case HAS_TOOLS -> BooleanNode.valueOf(request.hasTools());
      case METADATA -> {
        String v = request.metadata().get(field.path().getFirst());
        yield v == null ? MissingNode.getInstance() : TextNode.valueOf(v);
      }
      case PARAMS -> {
        JsonNode at = request.body();
        for (String step : field.path()) {
          at = at.path(step);
        }
        yield at;
      }
    };
  }

  private static boolean test(RequestQuery.Test test, JsonNode value) {
    boolean present = !value.isMissingNode() && !value.isNull();
    JsonNode operand = test.operand();
    return switch (test.op()) {
      case EQ -> equal(value, operand);
      case NE -> !equal(value, operand);
      case IN -> in(value, operand);
      case NIN -> !in(value, operand);
      case GT -> present && number(value) > operand.asDouble();
      case GTE -> present && number(value) >= operand.asDouble();
      case LT -> present && number(value) < operand.asDouble();
      case LTE -> present && number(value) <= operand.asDouble();
      case REGEX -> present && value.isValueNode() && test.pattern().matcher(value.asText()).find();
      case PREFIX -> present && value.isValueNode() && value.asText().startsWith(operand.asText());
      case EXISTS -> present == operand.asBoolean();
    };
  }

  /** Numbers compare by value; other scalars by text, so metadata "3" (always a string) equals 3. */
  private static boolean equal(JsonNode value, JsonNode operand) {
    if (value.isMissingNode()) {
      return operand.isNull();
    }
    if (value.isNumber() && operand.isNumber()) {
      return value.asDouble() == operand.asDouble();
    }
    if (value.isNull() || operand.isNull()) {
      return value.isNull() && operand.isNull();
    }
    return value.isValueNode() && value.asText().equals(operand.asText());
  }

  private static boolean in(JsonNode value, JsonNode list) {
    for (JsonNode candidate : list) {
      if (equal(value, candidate)) {
        return true;
      }
    }
    return false;
  }

  /** NaN (never comparable) for anything that is not a number or a numeric string. */
  private static double number(JsonNode value) {
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      try {
        return Double.parseDouble(value.asText());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }
}
