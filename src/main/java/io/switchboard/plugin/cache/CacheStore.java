package io.switchboard.plugin.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** Where cached answers live: in this process, or in Redis shared by every replica. */
interface CacheStore {
  /** A stored answer and how long ago it was stored. */
  record Hit(Buffer body, long ageMillis) {}

  /** The live entry under {@code key} (marking it most recently used), or null. Never an expired one. */
  Future<Hit> get(String key);

  /** Stores {@code body} under {@code key}, evicting the least recently used entries beyond the bound. */
  Future<Void> put(String key, Buffer body);

  default Future<Void> start() {
    return Future.succeededFuture();
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
