package io.switchboard.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What one logger (and the loggers under it) logs while this is open, for tests of what is and is not logged. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
    appender.start();
    logger.addAppender(appender);
  }

  /** By logger name; a package name takes in every logger under it. */
  public static LogCapture of(String name) {
    return new LogCapture(((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(name));
  }

  public static LogCapture of(Class<?> type) {
    return of(type.getName());
  }

  public static LogCapture of(org.slf4j.Logger logger) {
    return new LogCapture((Logger) logger);
  }

  /** The events so far, in order; the list fills as more are logged. */
  public List<ILoggingEvent> events() {
    return appender.list;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
