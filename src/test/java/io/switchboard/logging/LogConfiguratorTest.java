package io.switchboard.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import io.switchboard.cli.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {
  /** What src/main/resources/logback.xml said before the configuration moved into code. */
  static final String OLD_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  @Test
  void theRunningContextIsConfiguredAsLogbackXmlWas() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertConfiguredAsBefore(context, LogConfigurator.rootLevel(
        System.getProperty("SWITCHBOARD_LOG_LEVEL", System.getenv("SWITCHBOARD_LOG_LEVEL"))));
  }

  @Test
  void aFreshContextGetsTheSameAppenderPatternAndLevels() {
    LoggerContext context = new LoggerContext();
    LogConfigurator configurator = new LogConfigurator();
    configurator.setContext(context);
    String saved = System.getProperty("SWITCHBOARD_LOG_LEVEL");
    System.setProperty("SWITCHBOARD_LOG_LEVEL", "warn");
    try {
      assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    } finally {
      restore("SWITCHBOARD_LOG_LEVEL", saved);
    }
    assertConfiguredAsBefore(context, Level.WARN);

    StderrAppender stderr = (StderrAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    Logger main = context.getLogger(Main.class);
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), main, Level.WARN, "listening on {}", null,
        new Object[] {8080});
    String line = new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d WARN  Main - listening on 8080" + System.lineSeparator());
    context.stop();
  }

  @Test
  void theLevelVariableReadsAsTheXmlSubstitutionDid() {
    assertThat(LogConfigurator.rootLevel(null)).isEqualTo(Level.INFO);
    assertThat(LogConfigurator.rootLevel(" ")).isEqualTo(Level.INFO);
    assertThat(LogConfigurator.rootLevel("debug")).isEqualTo(Level.DEBUG);
    assertThat(LogConfigurator.rootLevel("ERROR")).isEqualTo(Level.ERROR);
    assertThat(LogConfigurator.rootLevel("off")).isEqualTo(Level.OFF);
    assertThat(LogConfigurator.rootLevel("nonsense")).isEqualTo(Level.DEBUG);  // Level.toLevel's fallback, as in Joran
  }

  @Test
  void aLogbackConfigurationFilePropertyStillWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("custom.xml");
    Files.writeString(file, """
        <configuration>
          <appender name="MINE" class="ch.qos.logback.core.read.ListAppender"/>
          <logger name="io.netty" level="DEBUG"/>
          <root level="ERROR"><appender-ref ref="MINE"/></root>
        </configuration>
        """);
    String saved = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", file.toString());
    LoggerContext context = new LoggerContext();
    try {
      LogConfigurator configurator = new LogConfigurator();
      configurator.setContext(context);
      assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
      new ContextInitializer(context).autoConfig();  // the services, then logback's own lookup of the property
    } finally {
      restore("logback.configurationFile", saved);
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.ERROR);
    assertThat(root.getAppender("MINE")).isNotNull();
    assertThat(root.getAppender("STDERR")).isNull();
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.DEBUG);
    context.stop();
  }

  private static void assertConfiguredAsBefore(LoggerContext context, Level rootLevel) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(rootLevel);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.vertx").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.netty.channel").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("switchboard.requests").getEffectiveLevel()).isEqualTo(rootLevel);
    // The console appender to System.err, able to write request lines in batches.
    assertThat(root.getAppender("STDERR")).isInstanceOf(StderrAppender.class);
    StderrAppender stderr = (StderrAppender) root.getAppender("STDERR");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(stderr.getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(OLD_PATTERN);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
