package io.switchboard.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEncoderTest {
  @Test
  void data() {
    assertThat(SseEncoder.data("{\"a\":1}").toString()).isEqualTo("data: {\"a\":1}\n\n");
  }

  @Test
  void event() {
    assertThat(SseEncoder.event("error", "{}").toString()).isEqualTo("event: error\ndata: {}\n\n");
  }

  @Test
  void done() {
    assertThat(SseEncoder.done().toString()).isEqualTo("data: [DONE]\n\n");
  }

  @Test
  void multiLinePayloadRoundTripsThroughTheDecoder() {
    String payload = "{\n  \"a\": 1\r\n}";
    List<SseEvent> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(events::add);
    decoder.feed(SseEncoder.event("x", payload));
    assertThat(events).containsExactly(new SseEvent("x", "{\n  \"a\": 1\n}", null));
  }
}
