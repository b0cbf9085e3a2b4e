package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.GatewayConfig.Tls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Reads a provider's {@code tls} block. The PEM files are read and checked here, at load time, so a missing or
 * unreadable file refuses to start and names its field, and nothing is read from disk once requests flow.
 * Problems never quote a file's contents, nor its path: a key pasted in place of a path would be printed.
 */
final class TlsReader {
  static final Set<String> KEYS = Set.of("ca_file", "cert_file", "key_file", "insecure");

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  /** The private key formats Vert.x reads: PKCS#8, PKCS#1 (RSA) and SEC1 (EC). */
  private static final Set<String> KEY_TYPES = Set.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  private final NodeReader r;

  TlsReader(NodeReader r) {
    this.r = r;
  }

  /** {@link Tls#NONE} when the block is absent; null after recording a problem. */
  Tls read(JsonNode provider, String providerPath) {
    JsonNode node = provider.get("tls");
    String path = NodeReader.join(providerPath, "tls");
    if (node == null || node.isNull()) {
      return Tls.NONE;
    }
    if (!r.isObject(node, path)) {
      return null;
    }
    int before = r.problems().size();
    r.onlyKeys(node, path, KEYS);
    boolean insecure = r.bool(node, "insecure", path, false);
    String caFile = r.string(node, "ca_file", path, false);
    String certFile = r.string(node, "cert_file", path, false);
    String keyFile = r.string(node, "key_file", path, false);
    if (insecure && caFile != null) {
      r.problem(path + ".ca_file", "cannot be given with insecure: true (insecure trusts every certificate)");
    }
    TrustManagerFactory trust = caFile == null || insecure ? null : trust(caFile, path + ".ca_file");

    String chain = null;
    Secret key = null;
    if (keyFile != null && certFile == null) {
      r.problem(path + ".key_file", "is given without cert_file (expected: both, for a client certificate)");
    } else if (certFile != null) {
      String certText = read(certFile, path + ".cert_file");
      List<Block> certBlocks = certText == null ? List.of() : blocks(certText);
      chain = certText == null ? null : certificates(certBlocks, path + ".cert_file");
      // Without key_file, the key may sit in the certificate file, as in LiteLLM's ssl_certificate.
      String keyPath = keyFile != null ? path + ".key_file" : path + ".cert_file";
      String keyText = keyFile != null ? read(keyFile, keyPath) : certText;
      key = keyText == null ? null : privateKey(blocks(keyText), keyPath, keyFile == null);
    }
    if (r.problems().size() > before) {
      return null;
    }
    Tls tls = new Tls(caFile, trust, certFile, chain, keyFile, key, insecure);
    return tls.isNone() ? Tls.NONE : tls;
  }

  private record Block(String type, byte[] der, String text) {}

  private String read(String file, String path) {
    try {
      // Latin-1 decodes any bytes: a binary (DER) file is then reported as holding no PEM block.
      return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      r.problem(path, "no such file");
    } catch (IOException | InvalidPathException e) {
      r.problem(path, "names a file that cannot be read (" + NodeReader.cannotRead(e) + ")");
    }
    return null;
  }

  /** The PEM blocks of {@code text}, in order; a block whose base64 does not decode has null DER. */
  private static List<Block> blocks(String text) {
    List<Block> out = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        der = null;
      }
      out.add(new Block(m.group(1), der, m.group()));
    }
    return out;
  }

  /** The file's certificates as PEM text, or null after recording why it has none usable. */
  private String certificates(List<Block> blocks, String path) {
    List<X509Certificate> certs = parse(blocks, path);
    if (certs == null) {
      return null;
    }
    StringBuilder pem = new StringBuilder();
    for (Block b : blocks) {
      if (b.type().equals("CERTIFICATE")) {
        pem.append(b.text()).append('\n');
      }
    }
    return pem.toString();
  }

  private List<X509Certificate> parse(List<Block> blocks, String path) {
    List<X509Certificate> certs = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
    for (Block b : blocks) {
      if (!b.type().equals("CERTIFICATE")) {
        continue;
      }
      try {
        if (b.der() == null) {
          throw new CertificateException("bad base64");
        }
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException | ClassCastException e) {
        r.problem(path, "certificate " + (certs.size() + 1) + " cannot be parsed (expected: PEM X.509 certificates)");
        return null;
      }
    }
    if (certs.isEmpty()) {
      r.problem(path, "holds no certificate (expected: PEM, -----BEGIN CERTIFICATE----- blocks)");
      return null;
    }
    return certs;
  }

  /** The key's one PEM block, or null after recording why there is none usable. */
  private Secret privateKey(List<Block> blocks, String path, boolean inCertFile) {
    List<Block> keys = blocks.stream().filter(b -> KEY_TYPES.contains(b.type())).toList();
    if (blocks.stream().anyMatch(b -> b.type().equals("ENCRYPTED PRIVATE KEY"))) {
      r.problem(path, "holds an encrypted key (expected: an unencrypted PEM key; key passwords are not supported)");
      return null;
    }
    if (keys.isEmpty()) {
      r.problem(path, inCertFile
          ? "holds no private key (expected: key_file, or the key in this file as a PEM block)"
          : "holds no private key (expected: PEM, -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
      return null;
    }
    if (keys.size() > 1) {
      r.problem(path, "holds " + keys.size() + " private keys (expected: one)");
      return null;
    }
    Block key = keys.getFirst();
    if (key.der() == null || key.type().equals("PRIVATE KEY") && !pkcs8(key.der())) {
      r.problem(path, "the private key cannot be parsed (expected: an RSA or EC key in PEM)");
      return null;
    }
    return new Secret(key.text());
  }

  private static boolean pkcs8(byte[] der) {
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        return true;
      } catch (GeneralSecurityException ignored) {
        // try the next algorithm
      }
    }
    return false;
  }

  /** The JDK's trusted CAs plus the file's, or null after recording a problem. */
  private TrustManagerFactory trust(String file, String path) {
    String text = read(file, path);
    List<X509Certificate> extra = text == null ? null : parse(blocks(text), path);
    if (extra == null) {
      return null;
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (X509Certificate ca : jdkTrusted()) {
        store.setCertificateEntry("jdk-" + n++, ca);
      }
      for (X509Certificate ca : extra) {
        store.setCertificateEntry("ca-file-" + n++, ca);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      r.problem(path, "holds certificates the JDK cannot use as a trust store");
      return null;
    }
  }

  private static List<X509Certificate> jdkTrusted() throws GeneralSecurityException {
    TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    for (TrustManager tm : jdk.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return List.of(x509.getAcceptedIssuers());
      }
    }
    return List.of();
  }
}
