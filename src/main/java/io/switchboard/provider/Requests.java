package io.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ApiException;

/** Type checks on the incoming OpenAI request; each failure is a 400 naming the offending parameter. */
public final class Requests {
  private Requests() {}

  public static ApiException invalid(String param, String message) {
    return ApiException.invalidRequest(param, "invalid_value", message);
  }

  public static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  public static String text(JsonNode node, String param) {
    if (node == null || !node.isTextual()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: a string)");
    }
    return node.textValue();
  }

  public static JsonNode number(JsonNode node, String param) {
    if (!node.isNumber()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: a number)");
    }
    return node;
  }

  public static long integer(JsonNode node, String param) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: an integer)");
    }
    return node.longValue();
  }

  public static boolean bool(JsonNode node, String param) {
    if (!node.isBoolean()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: a boolean)");
    }
    return node.booleanValue();
  }

  public static JsonNode array(JsonNode node, String param) {
    if (node == null || !node.isArray()) {
      throw invalid(param, param + ": " + describe(node) + " (expected: an array)");
    }
    return node;
  }

  public static JsonNode object(JsonNode node, String param) {
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
