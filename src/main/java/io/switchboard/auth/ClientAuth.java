package io.switchboard.auth;

import io.switchboard.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks the key a client presents against the master key. Only a digest of the key is kept, and digests are
 * compared with {@link MessageDigest#isEqual}, whose time does not depend on where they differ: a client
 * learns nothing from how long a wrong key takes.
 */
public final class ClientAuth {
  /** What a request's credentials amount to. */
  public enum Verdict { ALLOWED, MISSING, INVALID }

  private final byte[] keyDigest;

  private ClientAuth(byte[] keyDigest) {
    this.keyDigest = keyDigest;
  }

  /** {@code masterKey}: the key clients must present; null for a gateway that asks for none. */
  public static ClientAuth of(Secret masterKey) {
    return masterKey == null ? null : new ClientAuth(sha256(masterKey.value()));
  }

  /**
   * {@code authorization} is the {@code Authorization} header ({@code Bearer <key>}); {@code apiKey} the
   * {@code x-api-key} header, as the Anthropic SDK sends it, or Azure's {@code api-key}. Either may be null.
   */
  public Verdict check(String authorization, String apiKey) {
    String presented = bearer(authorization);
    if (presented == null) {
      presented = apiKey == null ? null : apiKey.strip();
    }
    if (presented == null || presented.isEmpty()) {
      return Verdict.MISSING;
    }
    return MessageDigest.isEqual(keyDigest, sha256(presented)) ? Verdict.ALLOWED : Verdict.INVALID;
  }

  /** The token of {@code Bearer <token>} (the scheme in any case), or null. */
  static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.strip();
    if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = value.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  /** One digest per thread: looking one up in the security providers costs more than hashing a key. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  });

  private static byte[] sha256(String text) {
    return SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));  // digest() resets it for the next call
  }
}
