package io.switchboard.provider;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.switchboard.config.GatewayConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;

/**
 * A provider's {@code tls} settings as Vert.x per-request TLS options. The client's connection pool is keyed
 * by these options, so a provider with its own trust or certificate never shares a connection with another.
 */
final class UpstreamTls {
  /**
   * Vert.x's TLS options equality (the pool key) ignores the trust-all flag: a trust manager of its own keeps an
   * insecure provider's connections apart from every verifying provider's, whatever the client's defaults.
   */
  private static final TrustOptions INSECURE = TrustOptions.wrap(InsecureTrustManagerFactory.INSTANCE);

  private UpstreamTls() {}

  /** Null when the provider keeps the client's defaults (the JDK's CAs, no client certificate). */
  static ClientSSLOptions sslOptions(GatewayConfig.Tls tls) {
    if (tls.isNone()) {
      return null;
    }
    ClientSSLOptions options = new ClientSSLOptions();
    if (tls.insecure()) {
      options.setTrustAll(true).setTrustOptions(INSECURE).setHostnameVerificationAlgorithm("");
    } else if (tls.trust() != null) {
      options.setTrustOptions(TrustOptions.wrap(tls.trust()));
    }
    if (tls.certificateChain() != null) {
      // PEM values, already read and checked at load time: Vert.x parses them, never reads a file.
      options.setKeyCertOptions(new PemKeyCertOptions()
          .setCertValue(Buffer.buffer(tls.certificateChain()))
          .setKeyValue(Buffer.buffer(tls.privateKey().value())));
    }
    return options;
  }
}
