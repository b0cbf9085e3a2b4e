package io.switchboard.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration in code (registered in META-INF/services), what logback.xml said before: lines to
 * System.err as {@value #PATTERN}, io.netty and io.vertx at WARN, the root at {@code SWITCHBOARD_LOG_LEVEL}
 * (a system property or environment variable of that name, default INFO). Parsing the XML with Joran cost
 * about 0.2 s of every start and ~400 classes.
 *
 * <p>With {@code -Dlogback.configurationFile=FILE} this configurator steps aside and logback reads that file as
 * usual (logback runs the configurators found as services before its own file lookup).
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";
  static final String LEVEL_VARIABLE = "SWITCHBOARD_LOG_LEVEL";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    // A console appender that writes a batch of request lines in one call (see StderrAppender).
    StderrAppender stderr = new StderrAppender();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setEncoder(encoder);
    stderr.start();
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.WARN);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel(System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE))));
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** As logback.xml's {@code level="${SWITCHBOARD_LOG_LEVEL:-INFO}"} did: unset or blank is INFO, an unknown name DEBUG. */
  static Level rootLevel(String value) {
    return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.DEBUG);
  }
}
