package io.switchboard.plugin.logging;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.NodeReader;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.PluginSettings;
import io.switchboard.plugin.Stage;
import io.switchboard.store.BatchingLogWriter;
import io.switchboard.store.RequestLogLocation;
import io.switchboard.store.RequestLogStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request-logger's validated config. {@code location} is set exactly when {@code persist} is true;
 * {@code onlyFailures} when the plugin sits at {@code on_error}.
 */
public record RequestLoggerSettings(
    Level level,
    RequestLogLocation location,
    boolean includeBodies,
    int maxBodyBytes,
    BatchingLogWriter.Settings writer,
    boolean onlyFailures) implements PluginSettings {

  /** The least severe line that is written; successes log at INFO, 4xx at WARN, 5xx at ERROR. */
  public enum Level {
    DEBUG, INFO, WARN, ERROR;

    String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  static final int MIN_MAX_BODY_BYTES = 256;

  private static final Set<String> KEYS = Set.of("level", "persist", "backend", "dsn", "table", "include_bodies",
      "max_body_bytes", "retention", "queue_size", "batch_size", "flush_interval");
  private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern RETENTION = Pattern.compile("^(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?$");

  public boolean persist() {
    return location != null;
  }

  @Override
  public Optional<RequestLogLocation> requestLog() {
    return Optional.ofNullable(location);
  }

  @Override
  public Plugin create(PluginContext context) {
    return new RequestLogger(context, this);
  }

  /** The registry's parser: reads {@code config}, recording every problem under {@code path}. */
  public static RequestLoggerSettings parse(NodeReader r, JsonNode config, String path, Stage stage) {
    r.onlyKeys(config, path, KEYS);
    Level level = level(r, config, path);
    boolean persist = r.bool(config, "persist", path, false);
    String backend = backend(r, config, path, persist);
    String dsn = dsn(r, config, path, persist, backend);
    String table = table(r, config, path, backend);
    boolean includeBodies = r.bool(config, "include_bodies", path, false);
    int maxBodyBytes = r.integer(config, "max_body_bytes", path, DEFAULT_MAX_BODY_BYTES, MIN_MAX_BODY_BYTES,
        16 * 1024 * 1024);
    BatchingLogWriter.Settings d = BatchingLogWriter.Settings.defaults();
    int queueSize = r.integer(config, "queue_size", path, d.capacity(), 1, 10_000_000);
    int batchSize = r.integer(config, "batch_size", path, d.batchSize(), 1, 100_000);
    Duration flushInterval = r.duration(config, "flush_interval", path, d.flushInterval());
    Duration retention = retention(r, config, path);
    if (includeBodies && !persist) {
      r.problem(NodeReader.join(path, "include_bodies"), "bodies are only stored in persisted rows, never in log lines"
          + " (expected: persist: true, or include_bodies: false)");
    }
    BatchingLogWriter.Settings writer = new BatchingLogWriter.Settings(queueSize, batchSize, flushInterval,
        d.maxAttempts(), d.retryBackoff(), d.closeTimeout(), retention, d.retentionInterval());
    RequestLogLocation location = persist && backend != null && dsn != null ? new RequestLogLocation(backend, dsn, table)
        : null;
    return new RequestLoggerSettings(level, location, includeBodies, maxBodyBytes, writer, stage == Stage.ON_ERROR);
  }

  private static Level level(NodeReader r, JsonNode config, String path) {
    String value = r.string(config, "level", path, false);
    if (value == null) {
      return Level.INFO;
    }
    for (Level l : Level.values()) {
      if (l.configName().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return l;
      }
    }
    r.problem(NodeReader.join(path, "level"), "\"" + value + "\" is not a level (expected: debug, info, warn or error)");
    return Level.INFO;
  }

  private static String backend(NodeReader r, JsonNode config, String path, boolean persist) {
    String value = r.string(config, "backend", path, persist);
    if (value == null) {
      return null;
    }
    String backend = value.trim().toLowerCase(Locale.ROOT);
    return switch (backend) {
      case "sqlite" -> "sqlite";
      case "postgres", "postgresql" -> "postgres";
      default -> {
        r.problem(NodeReader.join(path, "backend"), "\"" + value + "\" is not a backend (expected: sqlite or postgres)");
        yield null;
      }
    };
  }

  /** Checked for shape only; the DSN itself is never echoed, as it may hold a password. */
  private static String dsn(NodeReader r, JsonNode config, String path, boolean persist, String backend) {
    String dsn = r.string(config, "dsn", path, persist);
    if (dsn == null) {
      return null;
    }
    String at = NodeReader.join(path, "dsn");
    dsn = dsn.trim();
    if ("postgres".equals(backend) && !(dsn.startsWith("postgres://") || dsn.startsWith("postgresql://")
        || dsn.startsWith("jdbc:postgresql:"))) {
      r.problem(at, "not a PostgreSQL DSN (expected: postgres://user:password@host:port/db or jdbc:postgresql:...)");
      return null;
    }
    if ("sqlite".equals(backend) && (dsn.contains("://") || dsn.startsWith("jdbc:"))) {
      r.problem(at, "\"" + dsn + "\" is not a file path (expected: a SQLite file such as requests.db, relative to the"
          + " working directory or absolute)");
      return null;
    }
    return dsn;
  }

  private static String table(NodeReader r, JsonNode config, String path, String backend) {
    String table = r.string(config, "table", path, false);
    if (table == null) {
      return RequestLogStore.DEFAULT_TABLE;
    }
    String at = NodeReader.join(path, "table");
    if (!TABLE.matcher(table).matches()) {
      r.problem(at, "\"" + table + "\" is not a table name (expected: an identifier like "
          + RequestLogStore.DEFAULT_TABLE + ")");
    } else if ("sqlite".equals(backend) && table.indexOf('.') >= 0) {
      r.problem(at, "\"" + table + "\" has a schema prefix (expected: a plain table name for SQLite)");
    }
    return table;
  }

  /** Like {@link NodeReader#duration}, plus days ({@code 30d}): retention is counted in days. Null: keep all. */
  private static Duration retention(NodeReader r, JsonNode config, String path) {
    JsonNode node = config.get("retention");
    if (node == null || node.isNull()) {
      return null;
    }
    Matcher m = node.isValueNode() && !node.isBoolean() ? RETENTION.matcher(node.asText().trim()) : null;
    if (m == null || !m.matches()) {
      r.problem(NodeReader.join(path, "retention"), NodeReader.describe(node)
          + " is not a duration (expected: seconds, or a number with ms, s, m, h or d)");
      return null;
    }
    double amount = Double.parseDouble(m.group(1));
    double millis = amount * switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> 1;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      case "d" -> 86_400_000;
      default -> 1000;
    };
    if (millis < 1) {
      r.problem(NodeReader.join(path, "retention"), NodeReader.describe(node) + " is out of range (expected: > 0)");
      return null;
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
