package io.switchboard.provider.vertex;

import io.switchboard.api.Json;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;

/** A service account made up for a test, with an RSA key generated for it. */
public final class TestKeys {
  public final KeyPair pair;

  public TestKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      pair = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String privateKeyPem() {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  /** The service-account JSON key file's contents, with {@code tokenUri}. */
  public String serviceAccountJson(String tokenUri) {
    return Json.string(Json.object().put("type", "service_account").put("project_id", "test-project")
        .put("private_key_id", "key-1").put("private_key", privateKeyPem()).put("client_id", "1234567890")
        .put("client_email", "gateway@test-project.iam.gserviceaccount.com").put("token_uri", tokenUri));
  }

  public ServiceAccount account(String tokenUri) {
    return new ServiceAccount("gateway@test-project.iam.gserviceaccount.com", "key-1",
        (RSAPrivateKey) pair.getPrivate(), tokenUri);
  }
}
