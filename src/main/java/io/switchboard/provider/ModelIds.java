package io.switchboard.provider;

import io.switchboard.api.ApiException;
import java.nio.charset.StandardCharsets;

/**
 * Model ids in upstream URL paths ({@code /models/{model}:generateContent}, {@code /model/{id}/converse},
 * {@code /deployments/{name}/...}). The model comes from the client, so it must never add path segments,
 * climb out of the configured path, or carry a query: each id becomes exactly one percent-encoded segment, and
 * ids no provider uses (empty, {@code .} or {@code ..} parts, control characters, very long) are refused with a
 * 400.
 */
public final class ModelIds {
  /** Longer than any provider's id or ARN. */
  static final int MAX_LENGTH = 512;

  private ModelIds() {}

  /**
   * {@code model} as one URL path segment: RFC 3986 unreserved characters stay, everything else (including
   * {@code /}, {@code :}, {@code ?}, {@code #}, {@code %}) is percent-encoded as UTF-8.
   */
  public static String pathSegment(String model) {
    check(model);
    byte[] bytes = model.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (unreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Refuses an id that cannot name a model; the 400 names the {@code model} parameter. */
  public static void check(String model) {
    String reason = null;
    if (model == null || model.isEmpty()) {
      reason = "is empty";
    } else if (java.util.Arrays.stream(model.split("/", -1)).anyMatch(p -> p.equals(".") || p.equals(".."))) {
      // Encoded, it would stay one segment; refused anyway, for servers that decode %2F before routing.
      reason = "is a relative path";
    } else if (model.length() > MAX_LENGTH) {
      reason = "is longer than " + MAX_LENGTH + " characters";
    } else if (model.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      reason = "contains a control character";
    }
    if (reason != null) {
      throw new ApiException(400, "invalid_request_error", "invalid_model", "model",
          "The model id " + reason + " and cannot be sent to the provider.");
    }
  }

  private static boolean unreserved(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }
}
