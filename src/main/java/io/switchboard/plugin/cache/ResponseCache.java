package io.switchboard.plugin.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.MemoryReadStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact-match response cache: a request whose canonical form (see {@link CacheKey}) was answered
 * successfully within {@code max_age}, for the same API key, is answered from the cache without going
 * upstream. Stream and non-stream requests share entries: what is stored is the {@code chat.completion}
 * (a stream's is assembled), and a streaming client gets it back as an SSE replay.
 *
 * <p>Every answer says what happened in {@code x-switchboard-cache: hit|miss|bypass|refresh}; a hit also
 * carries {@code age}. The client steers with the same header ({@code bypass}/{@code no-store}: neither read
 * nor write; {@code refresh}/{@code no-cache}: do not read, store the fresh answer) or with
 * {@code Cache-Control: no-store / no-cache}. A store that cannot be reached counts as a miss.
 */
final class ResponseCache implements Plugin {
  static final String HEADER = "x-switchboard-cache";
  private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
  private static final String PENDING = ResponseCache.class.getName();
  private static final long WARN_EVERY_MILLIS = 10_000;
  /** Bodies declared larger are keyed on a worker: canonicalising and hashing 9 MB takes 30 ms and more. */
  static final long KEY_ON_LOOP_BYTES = 256 * 1024;

  /** What the client asked of the cache. */
  enum Directive {
    USE,
    REFRESH,
    BYPASS
  }

  /** A miss to store once the answer is complete; left in the exchange's attributes by {@link #handle}. */
  private static final class Pending {
    final String key;
    StreamWatcher watcher;

    Pending(String key) {
      this.key = key;
    }
  }

  private final String name;
  private final CacheStore store;
  private final int maxEntryBytes;
  private final Vertx vertx;
  private final AtomicLong lastWarning = new AtomicLong();

  ResponseCache(String name, CacheStore store, int maxEntryBytes, Vertx vertx) {
    this.name = name;
    this.store = store;
    this.maxEntryBytes = maxEntryBytes;
    this.vertx = vertx;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean needsAnswer() {
    return true;
  }

  @Override
  public Future<Void> start() {
    return store.start();
  }

  @Override
  public Future<Void> close() {
    return store.close();
  }

  @Override
  public boolean rewritesRequests() {
    return false;
  }

  @Override
  public Future<Outcome> handle(Exchange exchange, Chain next) {
    MultiMap headers = exchange.responseHeaders();
    Directive directive = directive(exchange.requestHeaders());
    // A legacy completions stream has no assembled answer to store nor a replay format here.
    if (directive == Directive.BYPASS || exchange.stream() && exchange.operation() != Operation.CHAT) {
      headers.set(HEADER, "bypass");
      return next.proceed(exchange);
    }
    if (!keyOffLoop(exchange)) {
      return lookUp(exchange, next, directive, CacheKey.of(exchange));
    }
    // The chain waits for the key, so nothing else reads or changes the body meanwhile.
    return vertx.executeBlocking(() -> CacheKey.of(exchange), false)
        .compose(key -> lookUp(exchange, next, directive, key));
  }

  /** Whether the client declared a body too big to key on the event loop (without a length: keyed there). */
  static boolean keyOffLoop(Exchange exchange) {
    String length = exchange.requestHeaders().get("content-length");
    try {
      return length != null && Long.parseLong(length.trim()) > KEY_ON_LOOP_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private Future<Outcome> lookUp(Exchange exchange, Chain next, Directive directive, String key) {
    MultiMap headers = exchange.responseHeaders();
    if (directive == Directive.REFRESH) {
      headers.set(HEADER, "refresh");
      return miss(exchange, next, key);
    }
    return store.get(key)
        .recover(t -> {
          warn("cache lookup failed, answering as a miss: " + t.getMessage());
          return Future.succeededFuture();
        })
        .compose(hit -> {
          Outcome outcome = hit == null ? null : answer(exchange, hit);
          if (outcome == null) {
            headers.set(HEADER, "miss");
            return miss(exchange, next, key);
          }
          headers.set(HEADER, "hit");
          headers.set("age", Long.toString(hit.ageMillis() / 1000));
          return Future.succeededFuture(outcome);
        });
  }

  private Future<Outcome> miss(Exchange exchange, Chain next, String key) {
    Pending pending = new Pending(key);
    exchange.attributes().put(PENDING, pending);
    return next.proceed(exchange).map(outcome -> {
      if (outcome.response() instanceof UpstreamResponse.Streaming s) {
        pending.watcher = new StreamWatcher();
        s.stream().through(pending.watcher);
      }
      return outcome;
    });
  }

  /** The cached answer in the form the request wants, or null when the entry cannot serve it. */
  private Outcome answer(Exchange exchange, CacheStore.Hit hit) {
    if (!exchange.stream()) {
      return new Outcome(new UpstreamResponse.Complete(hit.body(), null), null, 0);
    }
    JsonNode completion = Json.parseOrNull(hit.body());
    if (!(completion instanceof ObjectNode o) || !o.path("choices").isArray()) {
      return null;
    }
    boolean includeUsage = exchange.body().path("stream_options").path("include_usage").asBoolean(false);
    List<Buffer> events = StreamReplay.events(o, includeUsage);
    MemoryReadStream rest = new MemoryReadStream(vertx.getOrCreateContext(), events.subList(1, events.size()));
    rest.pause();  // UpstreamStream resumes it on start
    UpstreamStream stream = new UpstreamStream(events.getFirst(), rest, ChunkTransformer.AS_IS, rest::pause);
    return new Outcome(new UpstreamResponse.Streaming(stream, null), null, 0);
  }

  @Override
  public void onFinish(Exchange exchange, Finish finish) {
    if (!(exchange.attributes().get(PENDING) instanceof Pending pending)
        || !finish.succeeded() || finish.status() != 200) {
      return;
    }
    Buffer body;
    if (finish.stream()) {
      ObjectNode completion = pending.watcher != null && pending.watcher.completed() ? finish.response() : null;
      body = completion == null ? null : Json.buffer(completion);
    } else {
      body = finish.responseBytes();
    }
    if (body == null || body.length() > maxEntryBytes) {
      return;
    }
    if (!finish.stream()) {
      body = body.copy();  // our own bytes, whatever becomes of the ones sent
    }
    store.put(pending.key, body).onFailure(t -> warn("could not store a cached answer: " + t.getMessage()));
  }

  /** The client's wish, from {@code x-switchboard-cache} and {@code Cache-Control}; the stronger one wins. */
  static Directive directive(MultiMap requestHeaders) {
    Directive out = Directive.USE;
    String own = requestHeaders.get(HEADER);
    if (own != null && !own.isBlank()) {
      out = switch (own.trim().toLowerCase(Locale.ROOT)) {
        case "bypass", "no-store" -> Directive.BYPASS;
        case "refresh", "no-cache" -> Directive.REFRESH;
        default -> throw ApiException.invalidRequest(null, "invalid_cache_directive", "The " + HEADER
            + " header is \"" + own.trim() + "\" (expected: bypass, no-store, refresh or no-cache).");
      };
    }
    String cacheControl = requestHeaders.get("cache-control");
    if (cacheControl != null && out != Directive.BYPASS) {
      for (String part : cacheControl.split(",")) {
        String d = part.trim().toLowerCase(Locale.ROOT);
        if (d.equals("no-store")) {
          return Directive.BYPASS;
        }
        if (d.equals("no-cache")) {
          out = Directive.REFRESH;
        }
      }
    }
    return out;
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
      LOG.warn("plugin {}: {}", name, message);
    }
  }
}
