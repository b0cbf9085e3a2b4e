package io.switchboard.plugin.logging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.logging.RequestLoggerSettings.Level;
import io.switchboard.pricing.Usage;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.store.BatchingLogWriter;
import io.switchboard.store.RequestLogLocation;
import io.switchboard.store.RequestLogRow;
import io.switchboard.store.RequestLogStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line and, when persisting, one {@link RequestLogRow} per finished request. Nothing happens on the
 * way in. {@link #onFinish} builds a line-only request's line on the event loop; a persisted request's row and
 * line are built by a {@link RowPreparer}, as reading the answer's usage and the bodies grows with their size.
 * Lines go to a {@link LineWriter}, rows to a {@link BatchingLogWriter}, each with its own thread, so the event
 * loop never waits on the log output or the database.
 */
final class RequestLogger implements Plugin {
  /** The logger request lines go to, so they can be routed or silenced apart from the gateway's own logs. */
  static final Logger LINES = LoggerFactory.getLogger("switchboard.requests");
  private static final Logger LOG = LoggerFactory.getLogger(RequestLogger.class);

  private final String name;
  private final Vertx vertx;
  private final Clock clock;
  private final RequestLoggerSettings settings;
  private final Bodies bodies;
  private static final int LINE_QUEUE = 16_384;
  private static final int PREPARE_QUEUE = 4_096;
  /** Body bytes that may wait for the preparer: three 9 MB prompts fit, a flood of them does not. */
  private static final long PREPARE_BYTES = 64L << 20;

  private volatile LineWriter lines;
  private volatile BatchingLogWriter writer;
  private volatile RowPreparer preparer;

  RequestLogger(PluginContext context, RequestLoggerSettings settings) {
    this.name = context.name();
    this.vertx = context.vertx();
    this.clock = context.clock();
    this.settings = settings;
    this.bodies = settings.includeBodies() ? new Bodies(settings.maxBodyBytes()) : null;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean failsOpen() {
    return true;
  }

  /** Rows carry tokens and cost, which for a stream means assembling it and asking the upstream for usage. */
  @Override
  public boolean needsAnswer() {
    return settings.persist();
  }

  @Override
  public boolean rewritesRequests() {
    return false;
  }

  @Override
  public Future<Outcome> handle(Exchange exchange, Chain next) {
    return next.proceed(exchange);
  }

  @Override
  public Future<Void> start() {
    lines = new LineWriter(LINES, LINE_QUEUE);
    RequestLogLocation location = settings.location();
    if (location == null) {
      return Future.succeededFuture();
    }
    // Opening connects (PostgreSQL) or creates the file and schema: blocking, so off the event loop.
    return vertx.executeBlocking(() -> {
      RequestLogStore store;
      try {
        store = location.open();
      } catch (Exception e) {
        // The cause is left out on purpose: a driver's message or stack could carry the DSN's password.
        throw new IllegalStateException("cannot open the " + location.backend() + " request log at "
            + Dsns.redact(location.dsn()) + " (table " + location.table() + "): "
            + Dsns.scrub(location.dsn(), e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
      writer = new BatchingLogWriter(store, settings.writer());
      preparer = new RowPreparer(e -> head(e, true), this::withBodies, this::emit, bodies != null, PREPARE_QUEUE,
          PREPARE_BYTES);
      LOG.info("plugin {}: persisting the request log to {} {} (table {})", name, location.backend(),
          Dsns.redact(location.dsn()), location.table());
      return null;
    }, false);
  }

  /**
   * Prepares the rows still waiting (off the event loop, up to the writer's close timeout; then without bodies),
   * writes every queued row (up to that timeout again), closes the store, then writes the queued lines.
   */
  @Override
  public Future<Void> close() {
    RowPreparer p = preparer;
    BatchingLogWriter w = writer;
    LineWriter l = lines;
    if (w == null && l == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      if (p != null) {
        p.close(settings.writer().closeTimeout());
      }
      if (w != null) {
        w.close();
      }
      if (l != null) {
        l.close();
      }
      return null;
    }, false);
  }

  /** The line writer, once started (for tests and metrics). */
  LineWriter lines() {
    return lines;
  }

  /** The row writer, once started (for tests and metrics). */
  BatchingLogWriter writer() {
    return writer;
  }

  /** The row preparer, once started with persisting (for tests and metrics). */
  RowPreparer preparer() {
    return preparer;
  }

  @Override
  public void onFinish(Exchange exchange, Finish finish) {
    if (settings.onlyFailures() && finish.succeeded()) {
      return;
    }
    Level severity = severity(finish);
    boolean line = severity.compareTo(settings.level()) >= 0 && enabled(severity);
    BatchingLogWriter w = writer;
    if (!line && w == null) {
      return;
    }
    Instant now = clock.instant();
    Level lineAt = line ? severity : null;
    RowPreparer p = preparer;
    if (p != null) {
      // Only references are taken here. The preparer gets its own finish to read while other plugins read this one.
      Ended ended = Ended.of(exchange, finish.copy(), now, bodies != null, lineAt);
      if (p.offer(ended, BodySize.answer(finish) + (bodies == null ? 0 : BodySize.request(exchange)))) {
        return;
      }
      emit(ended, head(Ended.of(exchange, finish, now, false, lineAt), true));  // it did not fit: no bodies
      return;
    }
    Ended ended = Ended.of(exchange, finish, now, bodies != null, lineAt);
    emit(ended, withBodies(head(ended, w != null), ended));
  }

  /** Hands the line and the row on; never blocks (full queues are counted and warned about by the writers). */
  private void emit(Ended ended, RequestLogRow row) {
    if (ended.line() != null) {
      LineWriter l = lines;
      if (l != null) {
        l.offer(ended.line(), line(row));
      } else {
        log(ended.line(), line(row));  // not started (a unit test): write it here
      }
    }
    BatchingLogWriter w = writer;
    if (w != null) {
      w.offer(row);
    }
  }

  /**
   * Successes are INFO, client errors (4xx, including 499 for a client that left) WARN, server errors
   * (5xx, and a stream that failed after its 200) ERROR. DEBUG therefore logs the same lines as INFO.
   */
  static Level severity(Finish finish) {
    int status = finish.status();
    if (status >= 500 || (status < 400 && finish.error() != null)) {
      return Level.ERROR;
    }
    return status >= 400 ? Level.WARN : Level.INFO;
  }

  private static boolean enabled(Level level) {
    return switch (level) {
      case DEBUG -> LINES.isDebugEnabled();
      case INFO -> LINES.isInfoEnabled();
      case WARN -> LINES.isWarnEnabled();
      case ERROR -> LINES.isErrorEnabled();
    };
  }

  private static void log(Level level, String line) {
    switch (level) {
      case DEBUG -> LINES.debug(line);
      case INFO -> LINES.info(line);
      case WARN -> LINES.warn(line);
      case ERROR -> LINES.error(line);
    }
  }

  /**
   * The row for one request, bodies included, built here. {@code time} is when the request arrived. Tokens and
   * cost are read only when {@code withAnswer} (the answer is parsed for it); they stay null when the answer
   * reported no usage.
   */
  RequestLogRow row(Exchange exchange, Finish finish, boolean withAnswer, Instant now) {
    Ended ended = Ended.of(exchange, finish, now, bodies != null, null);
    return withBodies(head(ended, withAnswer), ended);
  }

  /** The row without bodies: what scales with a body here is only the scan of the answer for its usage. */
  static RequestLogRow head(Ended ended, boolean withAnswer) {
    Finish finish = ended.finish();
    Long tokensIn = null;
    Long tokensOut = null;
    Long tokensCached = null;
    Double cost = null;
    if (withAnswer) {
      if (finish.usageReported()) {
        Usage u = finish.usage();
        tokensIn = u.promptTokens();
        tokensOut = u.completionTokens();
        tokensCached = u.cachedTokens();
        cost = finish.cost();
      }
    }
    long ttft = finish.ttftNanos();
    return new RequestLogRow(
        ended.now().minusNanos(finish.latencyNanos()),
        ended.requestId(),
        ended.keyId(),
        ended.userId(),
        ended.modelRequested(),
        finish.modelServed(),
        finish.provider(),
        finish.target(),
        finish.status(),
        TimeUnit.NANOSECONDS.toMillis(finish.latencyNanos()),
        ttft < 0 ? null : TimeUnit.NANOSECONDS.toMillis(ttft),
        tokensIn,
        tokensOut,
        tokensCached,
        cost,
        finish.attempts(),
        finish.errorType(),
        null,
        null);
  }

  /** {@code head} with the request's bodies, redacted and cut: the work that grows with their size. */
  RequestLogRow withBodies(RequestLogRow head, Ended ended) {
    if (bodies == null) {
      return head;
    }
    ObjectNode request = ended.requestBody();
    String requestBody = request == null || request.isEmpty() ? null : bodies.keep(Json.string(request));
    return head.withBodies(requestBody, bodies.keep(responseText(ended.finish())));
  }

  /** What the client got: the JSON body, a stream's assembled completion, or the error. */
  private static String responseText(Finish finish) {
    Buffer bytes = finish.responseBytes();
    if (bytes != null) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
    ObjectNode response = finish.response();
    if (response != null) {
      return Json.string(response);
    }
    if (finish.error() != null) {
      ObjectNode wrapped = Json.object();
      wrapped.set("error", finish.error());
      return Json.string(wrapped);
    }
    return null;
  }

  /** One line, {@code key=value} pairs in a fixed order; absent values are left out. */
  static String line(RequestLogRow row) {
    StringBuilder b = new StringBuilder(192)
        .append("request ").append(row.requestId())
        .append(" status=").append(row.status())
        .append(" latency_ms=").append(row.latencyMs());
    pair(b, "ttft_ms", row.ttftMs());
    pair(b, "model", row.modelRequested());
    pair(b, "served", row.modelServed());
    pair(b, "provider", row.provider());
    pair(b, "target", row.target());
    b.append(" attempts=").append(row.attempts());
    pair(b, "key", row.keyId());
    pair(b, "user", row.userId());
    pair(b, "tokens_in", row.tokensIn());
    pair(b, "tokens_out", row.tokensOut());
    pair(b, "tokens_cached", row.tokensCached());
    pair(b, "cost_usd", row.costUsd());
    pair(b, "error", row.errorType());
    return b.toString();
  }

  private static void pair(StringBuilder b, String key, Object value) {
    if (value == null) {
      return;
    }
    b.append(' ').append(key).append('=');
    if (value instanceof String s) {
      // Client-chosen text (the user): a line break in it must not forge a second log line.
      int clean = 0;
      while (clean < s.length() && !control(s.charAt(clean))) {
        clean++;
      }
      b.append(s, 0, clean);
      for (int i = clean; i < s.length(); i++) {
        char c = s.charAt(i);
        b.append(control(c) ? '?' : c);
      }
    } else {
      b.append(value);
    }
  }

  private static boolean control(char c) {
    return c < 0x20 || c == 0x7f;
  }
}
