package io.switchboard.server;

import io.switchboard.config.GatewayConfig.Limits;
import io.switchboard.provider.LoopTimers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event loop's client connections: the cap on open connections (counted across every loop), and the
 * timers that close a connection holding nothing but a socket. A connection must finish its first request
 * head within the header timeout, and after each answer send the next head within the keep-alive timeout, so
 * neither an idle client nor one sending a header byte a second holds a descriptor for long. A connection with a
 * request in flight is never closed by these timers, however long its answer takes.
 */
final class ConnectionGuard {
  /** A connection past the cap gets this long to send a request and be told so; then it is closed. */
  private static final long REFUSAL_GRACE_MILLIS = 2_000;

  private final Vertx vertx;
  private final Limits limits;
  private final AtomicInteger open;
  private final Map<HttpConnection, State> connections = new HashMap<>();
  private boolean draining;

  private final class State {
    final HttpConnection connection;
    final boolean overCap;
    int active;
    LoopTimers.Timeout timer;  // cheap to arm and cancel: one of each per request on a kept-alive connection

    State(HttpConnection connection, boolean overCap) {
      this.connection = connection;
      this.overCap = overCap;
    }

    void arm(long millis) {
      disarm();
      timer = LoopTimers.schedule(vertx, millis, () -> {
        timer = null;
        if (active == 0) {
          connection.close();
        }
      });
    }

    void disarm() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }

  /** {@code open}: the count of client connections shared by every loop. */
  ConnectionGuard(Vertx vertx, Limits limits, AtomicInteger open) {
    this.vertx = vertx;
    this.limits = limits;
    this.open = open;
  }

  /** A new client connection, on this loop. */
  void opened(HttpConnection connection) {
    boolean overCap = open.incrementAndGet() > limits.maxConnections();
    State state = new State(connection, overCap);
    connections.put(connection, state);
    connection.closeHandler(v -> {
      State s = connections.remove(connection);
      if (s != null) {
        s.disarm();
        open.decrementAndGet();
      }
    });
    state.arm(overCap ? Math.min(REFUSAL_GRACE_MILLIS, limits.headerTimeout().toMillis())
        : limits.headerTimeout().toMillis());
  }

  /** Whether {@code connection} came past the cap: its requests are refused and it is closed. */
  boolean overCap(HttpConnection connection) {
    State s = connections.get(connection);
    return s != null && s.overCap;
  }

  /** A request head arrived: its connection's timer stops until the answer ends. */
  void requestStarted(HttpConnection connection) {
    State s = connections.get(connection);
    if (s != null) {
      s.active++;
      s.disarm();
    }
  }

  /** An answer ended (or its exchange failed): the next request head is awaited for the keep-alive timeout. */
  void requestEnded(HttpConnection connection) {
    State s = connections.get(connection);
    if (s != null && --s.active == 0) {
      if (draining) {
        connection.close();
      } else {
        s.arm(limits.keepAliveTimeout().toMillis());
      }
    }
  }

  /**
   * The gateway is stopping: idle connections close now, the others once their last answer is out, so no
   * request can arrive on a kept-alive connection after the signal.
   */
  void drain() {
    draining = true;
    for (State s : List.copyOf(connections.values())) {
      if (s.active == 0) {
        s.connection.close();
      }
    }
  }

  /** Client connections open on this loop. */
  int size() {
    return connections.size();
  }
}
