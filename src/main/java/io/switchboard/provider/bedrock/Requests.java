package io.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ApiException;

/** Type checks on the incoming OpenAI request; each failure is a 400 naming the offending parameter. */
final class Requests {
  private Requests() {}

  static ApiException invalid(String param, String message) {
    return ApiException.invalidRequest(param, "invalid_value", message);
  }

  static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  static String text(JsonNode node, String param) {
    if (node == null || !node.isTextual()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: a string)");
    }
    return node.textValue();
  }

  static JsonNode number(JsonNode node, String param) {
    if (!node.isNumber()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: a number)");
    }
    return node;
  }

  static long integer(JsonNode node, String param) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: an integer)");
    }
    return node.longValue();
  }

  static boolean bool(JsonNode node, String param) {
    if (!node.isBoolean()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: a boolean)");
    }
    return node.booleanValue();
  }

  static JsonNode array(JsonNode node, String param) {
    if (node == null || !node.isArray()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: an array)");
    }
    return node;
  }

  static JsonNode object(JsonNode node, String param) {
    if (node == null || !node.isObject()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: an object)");
    }
    return node;
  }

  /** A short description of a value for an error message; never echoes long client content. */
  private static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    if (node.isTextual()) {
      String s = node.textValue();
      return s.length() <= 40 ? "\"" + s + "\"" : "a string";
    }
    if (node.isNumber() || node.isBoolean() || node.isNull()) {
      return node.toString();
    }
    return node.isArray() ? "an array" : "an object";
  }
}
