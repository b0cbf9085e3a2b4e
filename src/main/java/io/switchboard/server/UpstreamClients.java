package io.switchboard.server;

import io.switchboard.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.OpenSSLEngineOptions;

/**
 * One event loop's HTTP clients to the upstreams: HTTP/1.1 for every provider, and an HTTP/2 one, made only when
 * a provider has {@code http2: true}. Vert.x fixes the protocol per client, not per request, hence two.
 */
public record UpstreamClients(HttpClient http1, HttpClient http2) {

  static UpstreamClients create(Vertx vertx, GatewayConfig config) {
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setVerifyHost(true)
        .setKeepAliveTimeout(60);
    if (useBoringSsl(config)) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    // Streams hold a connection (HTTP/1.1) or a stream (HTTP/2) for their whole length: high caps let thousands
    // stay open; connections are opened only when needed. HTTP/2 multiplexes as many streams per connection as the
    // server allows (often 100, some fewer), and a request that finds every connection full waits in the pool for
    // one to end, however long the streams in them last: the cap bounds the streams open at once to it times the
    // server's figure. 256 a loop holds tens of thousands. A burst arriving before the first connection is up
    // opens one each, as HTTP/1.1 would.
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(4096).setHttp2MaxSize(256).setMaxWaitQueueSize(4096);
    HttpClient http1 = vertx.createHttpClient(options, pool);
    boolean wanted = config.providers().stream().anyMatch(GatewayConfig.Provider::http2);
    HttpClient http2 = !wanted ? null : vertx.createHttpClient(new HttpClientOptions(options)
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true)                  // https: h2 when the server offers it, else HTTP/1.1
        .setHttp2ClearTextUpgrade(false)   // http: h2c with prior knowledge, no upgrade round trip
        .setHttp2KeepAliveTimeout(60), pool);
    return new UpstreamClients(http1, http2);
  }

  /**
   * TLS to upstreams through BoringSSL (netty-tcnative) rather than the JDK's engine: 13-48% less gateway CPU
   * per HTTPS call in five alternating runs (BENCHMARKS.md). Loading the native library costs start-up time and
   * memory, so a config with no TLS upstream (the embedded default, the benchmarks) never loads it.
   * {@code -Dswitchboard.tls.engine=jdk} keeps the JDK's engine, as does a platform the library does not load on.
   */
  public static boolean useBoringSsl(GatewayConfig config) {
    return config.providers().stream().anyMatch(GatewayConfig.Provider::overTls)
        && !"jdk".equals(System.getProperty("switchboard.tls.engine")) && OpenSSLEngineOptions.isAvailable();
  }

  /** The client {@code provider}'s calls go through. */
  public HttpClient forProvider(GatewayConfig.Provider provider) {
    return provider.http2() ? http2 : http1;
  }

  Future<Void> close() {
    Future<Void> first = http1.close();
    return http2 == null ? first : Future.join(first, http2.close()).mapEmpty();
  }
}
