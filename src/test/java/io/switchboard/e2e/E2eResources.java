package io.switchboard.e2e;

import io.switchboard.config.ConfigLoader;
import io.switchboard.server.GatewayServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** What an end-to-end test starts (mock upstreams, gateways), closed after each test in reverse order. */
abstract class E2eResources {
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  MockUpstream upstream() throws Exception {
    MockUpstream u = new MockUpstream();
    closing.add(u);
    return u;
  }

  /** A gateway on a free port with two event loops and this config below its {@code server} line. */
  int gateway(String yaml) throws Exception {
    return gateway(yaml, 2);
  }

  /** One event loop: every request goes through the same upstream clients and connection pools. */
  int gateway(String yaml, int eventLoops) throws Exception {
    GatewayServer server = GatewayServer.start(ConfigLoader.parse("server: {port: 0, host: 127.0.0.1, event_loops: "
        + eventLoops + "}\n" + yaml, Map.of())).await(10, TimeUnit.SECONDS);
    closing.add(() -> server.stop().await(10, TimeUnit.SECONDS));
    return server.port();
  }
}
