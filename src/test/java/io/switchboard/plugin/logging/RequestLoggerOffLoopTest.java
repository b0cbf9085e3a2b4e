package io.switchboard.plugin.logging;

import static io.switchboard.plugin.logging.RequestLoggerTest.COMPLETION;
import static io.switchboard.plugin.logging.RequestLoggerTest.OPENAI_KEY;
import static io.switchboard.plugin.logging.RequestLoggerTest.complete;
import static io.switchboard.plugin.logging.RequestLoggerTest.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.PluginContext;
import io.switchboard.plugin.Stage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rows with multi-megabyte bodies are redacted and cut off the event loop, and still all written. */
@Timeout(120)
class RequestLoggerOffLoopTest {
  static Vertx vertx;

  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** About {@code bytes} of prose with a key near the start: about 0.2 s of secret scanning per megabyte. */
  static String prompt(int bytes) {
    StringBuilder b = new StringBuilder(bytes + 100).append("my key is ").append(OPENAI_KEY).append(". ");
    for (int i = 0; b.length() < bytes; i++) {
      b.append("The quick brown fox jumps over the lazy dog, again and again; ").append(i % 1000).append(". ");
    }
    return b.toString();
  }

  RequestLogger started(Path db) throws Exception {
    RequestLogger logger = (RequestLogger) settings("{persist: true, backend: sqlite, dsn: \"" + db + "\","
        + " include_bodies: true}").create(new PluginContext(vertx, RequestLoggerTest.PRICES, Clock.systemUTC(),
        Optional.empty(), "request-logger", Stage.BEFORE_REQUEST));
    logger.start().await(10, TimeUnit.SECONDS);
    return logger;
  }

  @Test
  void theEventLoopRunsOnWhileThreeBigRowsArePrepared() throws Exception {
    RequestLogger logger = started(dir.resolve("big.db"));
    String prompt = prompt(3_000_000);
    List<Exchange> big = List.of(Exchanges.chat("gpt-4o", prompt), Exchanges.chat("gpt-4o", prompt),
        Exchanges.chat("gpt-4o", prompt));
    Context loop = vertx.getOrCreateContext();
    AtomicBoolean handedOver = new AtomicBoolean();
    CountDownLatch ticksWhilePreparing = new CountDownLatch(3);
    long[] timer = new long[1];
    loop.runOnContext(v -> {
      // Fires between tasks on this loop: only while onFinish's work is off the loop can it see rows not yet ready.
      timer[0] = vertx.setPeriodic(5, id -> {
        if (handedOver.get() && logger.writer().accepted() < big.size()) {
          ticksWhilePreparing.countDown();
        }
      });
      for (Exchange exchange : big) {
        logger.onFinish(exchange, complete(COMPLETION));
      }
      handedOver.set(true);
    });

    awaitCondition(() -> ticksWhilePreparing.getCount() == 0
        || handedOver.get() && logger.writer().accepted() == big.size());
    vertx.cancelTimer(timer[0]);

    assertThat(ticksWhilePreparing.getCount()).as("timer ticks on the loop while the rows were prepared").isZero();
    awaitCondition(() -> logger.writer().accepted() == big.size());
    logger.close().await(30, TimeUnit.SECONDS);
    List<String> bodies = requestBodies(dir.resolve("big.db"));
    assertThat(bodies).hasSize(3).allSatisfy(body -> {
      assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(64 * 1024);
      assertThat(body).endsWith(Bodies.TRUNCATED).contains("my key is [REDACTED:OPENAI_API_KEY]")
          .doesNotContain(OPENAI_KEY);
    });
  }

  @Test
  void closeWaitsForRowsStillBeingPrepared() throws Exception {
    Path db = dir.resolve("close.db");
    RequestLogger logger = started(db);
    Context loop = vertx.getOrCreateContext();
    CountDownLatch handedOver = new CountDownLatch(1);
    loop.runOnContext(v -> {
      logger.onFinish(Exchanges.chat("gpt-4o", prompt(2_000_000)), complete(COMPLETION));
      for (int i = 0; i < 50; i++) {
        logger.onFinish(Exchanges.chat("gpt-4o", "small " + i), complete(COMPLETION));
      }
      handedOver.countDown();
    });
    assertThat(handedOver.await(30, TimeUnit.SECONDS)).isTrue();

    logger.close().await(30, TimeUnit.SECONDS);

    List<String> bodies = requestBodies(db);
    assertThat(bodies).hasSize(51).allMatch(b -> b != null && b.contains("\"model\":\"gpt-4o\""));
    assertThat(bodies.getFirst()).contains("[REDACTED:OPENAI_API_KEY]").endsWith(Bodies.TRUNCATED);
    assertThat(bodies.get(50)).contains("small 49");  // in the order the requests ended
    assertThat(logger.writer().dropped()).isZero();
  }

  static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("condition within 60 s").isNegative();
      Thread.sleep(5);
    }
  }

  static List<String> requestBodies(Path db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT request_body FROM switchboard_request_log ORDER BY rowid")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
