package io.switchboard.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StderrAppenderTest {
  private final List<String> writes = new ArrayList<>();
  private PrintStream original;
  private LoggerContext context;
  private Logger logger;

  @BeforeEach
  void setUp() {
    original = System.err;
    // Each call that reaches the stream is one would-be write(2); autoflush as the real System.err.
    OutputStream recording = new OutputStream() {
      @Override
      public void write(int b) {
        writes.add(String.valueOf((char) b));
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writes.add(new String(b, off, len, StandardCharsets.UTF_8));
      }
    };
    System.setErr(new PrintStream(recording, true, StandardCharsets.UTF_8));
    context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());  // a bare context has none, and events then fail
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %msg%n");
    encoder.start();
    StderrAppender appender = new StderrAppender();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.start();
    logger = context.getLogger("switchboard.requests");
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
  }

  @AfterEach
  void tearDown() {
    context.stop();
    System.setErr(original);
  }

  @Test
  void linesMarkedMoreWaitForTheUnmarkedOneAndGoOutInOneWrite() {
    logger.info(StderrAppender.MORE, "one");
    logger.warn(StderrAppender.MORE, "two");
    assertThat(writes).isEmpty();
    logger.info("three");
    assertThat(writes).containsExactly("INFO one\nWARN two\nINFO three\n");
  }

  @Test
  void anUnmarkedEventIsWrittenAtOnce() {
    logger.info("alone");
    assertThat(writes).containsExactly("INFO alone\n");
    logger.error("next");
    assertThat(writes).containsExactly("INFO alone\n", "ERROR next\n");
  }

  @Test
  void stoppingWritesWhatIsHeld() {
    logger.info(StderrAppender.MORE, "held");
    context.stop();
    assertThat(String.join("", writes)).isEqualTo("INFO held\n");
  }
}
