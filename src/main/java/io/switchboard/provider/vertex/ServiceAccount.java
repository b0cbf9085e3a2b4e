package io.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import java.io.IOException;
import java.net.URI;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The parts of a Google service-account JSON key that sign token requests. {@link #toString()} never shows
 * the private key; {@link #parse} names a bad field without quoting any value.
 */
public record ServiceAccount(String clientEmail, String privateKeyId, RSAPrivateKey privateKey, String tokenUri) {
  static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

  /** A service-account key that cannot be used; the message names the field, never its value. */
  public static final class InvalidException extends Exception {
    InvalidException(String message) {
      super(message, null, false, false);
    }
  }

  public static ServiceAccount parse(String json) throws InvalidException {
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (IOException e) {
      throw new InvalidException("is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidException("is not a JSON object");
    }
    String type = root.path("type").asText("service_account");
    if (!type.equals("service_account")) {
      throw new InvalidException("field type is \"" + type + "\" (expected: service_account; user or external "
          + "account credentials are not supported)");
    }
    String email = field(root, "client_email");
    String pem = field(root, "private_key");
    String tokenUri = root.path("token_uri").asText(DEFAULT_TOKEN_URI);
    try {
      URI uri = URI.create(tokenUri);
      if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidException("field token_uri is not an http(s) URL");
    }
    String keyId = root.path("private_key_id").isTextual() ? root.get("private_key_id").asText() : null;
    return new ServiceAccount(email, keyId, privateKey(pem), tokenUri);
  }

  private static String field(JsonNode root, String name) throws InvalidException {
    JsonNode value = root.get(name);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new InvalidException("field " + name + " is missing or not a string");
    }
    return value.asText();
  }

  private static RSAPrivateKey privateKey(String pem) throws InvalidException {
    String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (Exception e) {
      throw new InvalidException("field private_key is not a PKCS#8 PEM RSA private key");
    }
  }

  @Override
  public String toString() {
    return "ServiceAccount[clientEmail=" + clientEmail + ", privateKey=<redacted>, tokenUri=" + tokenUri + "]";
  }
}
