package io.switchboard.plugin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of text, in hex, for ids and keys computed on every request (key ids, cache keys). Each call clones
 * one instance looked up once: the provider lookup costs more than hashing a short text.
 */
public final class Sha256 {
  /** Never used itself, only cloned. */
  private static final MessageDigest PROTOTYPE = lookUp();
  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  /** The first {@code bytes} bytes (at most 32) of the SHA-256 of {@code text} in UTF-8, as lowercase hex. */
  public static String hex(String text, int bytes) {
    byte[] digest = instance().digest(text.getBytes(StandardCharsets.UTF_8));
    return HEX.formatHex(digest, 0, bytes);
  }

  private static MessageDigest instance() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return lookUp();
    }
  }

  private static MessageDigest lookUp() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
