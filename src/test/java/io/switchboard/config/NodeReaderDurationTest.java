package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations as Switchboard writes them and as the reference gateway (Go) writes them. */
class NodeReaderDurationTest {
  @ParameterizedTest
  @CsvSource({"30, 30000", "1.5, 1500", "500ms, 500", "30s, 30000", "2m, 120000", "1h, 3600000",
      "1m30s, 90000", "1h30m, 5400000", "1m0.5s, 60500", "2s500ms, 2500"})
  void readsBothSpellings(String text, long millis) {
    NodeReader r = new NodeReader();
    ObjectNode node = JsonNodeFactory.instance.objectNode().put("timeout", text);
    assertThat(r.duration(node, "timeout", "x", null)).isEqualTo(Duration.ofMillis(millis));
    assertThat(r.problems()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"soon", "1m30", "s30", "1 m 30 s", "-5s", "1d"})
  void refusesTheRest(String text) {
    NodeReader r = new NodeReader();
    ObjectNode node = JsonNodeFactory.instance.objectNode().put("timeout", text);
    assertThat(r.duration(node, "timeout", "x", Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(r.problems()).singleElement().asString().startsWith("x.timeout: ");
  }
}
