package io.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;

/**
 * Certificates made once per test run with the JDK's keytool (no Bouncy Castle here): a server certificate for
 * 127.0.0.1 and localhost, and a client certificate for mTLS, both self-signed EC, as PEM files in a temp
 * directory. A self-signed certificate is its own CA, so {@link #serverCert()} is also the CA file to trust.
 */
public final class TestCertificates {
  private static final String PASSWORD = "changeit";
  private static TestCertificates instance;

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  public static synchronized TestCertificates get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("switchboard-tls");
        dir.toFile().deleteOnExit();
        TestCertificates certs = new TestCertificates(dir);
        certs.make("server", "CN=upstream.test", "SAN=ip:127.0.0.1,dns:localhost");
        certs.make("client", "CN=switchboard-client", null);
        certs.make("other", "CN=other.test", "SAN=dns:other.test");
        instance = certs;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (Exception e) {
        throw new IllegalStateException("cannot make test certificates", e);
      }
    }
    return instance;
  }

  /** The server's certificate (PEM), and the CA file that trusts it. */
  public Path serverCert() {
    return dir.resolve("server-cert.pem");
  }

  public Path serverKey() {
    return dir.resolve("server-key.pem");
  }

  /** A certificate for other.test only: trusted through its own file, it still must not pass for 127.0.0.1. */
  public Path otherCert() {
    return dir.resolve("other-cert.pem");
  }

  public Path otherKey() {
    return dir.resolve("other-key.pem");
  }

  public Path clientCert() {
    return dir.resolve("client-cert.pem");
  }

  public Path clientKey() {
    return dir.resolve("client-key.pem");
  }

  /** The client certificate and its key in one file, as LiteLLM's ssl_certificate may give them. */
  public Path clientCombined() {
    return dir.resolve("client-combined.pem");
  }

  private void make(String name, String dname, String san) throws Exception {
    Path store = dir.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> command = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", dname, "-validity", "3"));
    if (san != null) {
      command.addAll(List.of("-ext", san));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    String cert = pem("CERTIFICATE", keyStore.getCertificate(name).getEncoded());
    String key = pem("PRIVATE KEY", ((PrivateKey) keyStore.getKey(name, PASSWORD.toCharArray())).getEncoded());
    Files.writeString(dir.resolve(name + "-cert.pem"), cert);
    Files.writeString(dir.resolve(name + "-key.pem"), key);
    Files.writeString(dir.resolve(name + "-combined.pem"), cert + key);
    for (String file : List.of(name + ".p12", name + "-cert.pem", name + "-key.pem", name + "-combined.pem")) {
      dir.resolve(file).toFile().deleteOnExit();
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
