package io.switchboard.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseDecoderTest {
  private final List<SseEvent> events = new ArrayList<>();
  private final SseDecoder decoder = new SseDecoder(events::add);

  private static final String SAMPLE = "event: greeting\ndata: héllo 😀\ndata: second line\nid: 7\n\n"
      + ": keep-alive comment\n\ndata:{\"no\":\"space\"}\n\nevent: last\ndata: end\n\n";

  private static final List<SseEvent> SAMPLE_EVENTS = List.of(
      new SseEvent("greeting", "héllo 😀\nsecond line", "7"),
      new SseEvent(null, "{\"no\":\"space\"}", null),
      new SseEvent("last", "end", null));

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r", "\r\n"})
  void everyLineEnding(String eol) {
    feed(SAMPLE.replace("\n", eol));
    decoder.end();
    assertThat(events).containsExactlyElementsOf(SAMPLE_EVENTS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r", "\r\n"})
  void splitAtEveryByteOffset(String eol) {
    byte[] bytes = SAMPLE.replace("\n", eol).getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      List<SseEvent> got = new ArrayList<>();
      SseDecoder d = new SseDecoder(got::add);
      d.feed(Buffer.buffer().appendBytes(bytes, 0, cut));
      d.feed(Buffer.buffer().appendBytes(bytes, cut, bytes.length - cut));
      d.end();
      assertThat(got).as("cut at byte %d", cut).containsExactlyElementsOf(SAMPLE_EVENTS);
    }
  }

  @Test
  void oneByteAtATime() {
    byte[] bytes = SAMPLE.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      decoder.feed(Buffer.buffer(new byte[] {b}));
    }
    decoder.end();
    assertThat(events).containsExactlyElementsOf(SAMPLE_EVENTS);
  }

  @Test
  void eventsAreDispatchedAsSoonAsTheBlankLineArrives() {
    feed("data: a\n");
    assertThat(events).isEmpty();
    feed("\n");
    assertThat(events).containsExactly(new SseEvent(null, "a", null));
  }

  @Test
  void crAtTheEndOfAChunkDispatchesWithoutWaitingForLf() {
    feed("data: a\r\r");
    assertThat(events).containsExactly(new SseEvent(null, "a", null));
    feed("\ndata: b\r\n\r\n"); // the LF belongs to the previous CR, not a new blank line
    assertThat(events).containsExactly(new SseEvent(null, "a", null), new SseEvent(null, "b", null));
  }

  @Test
  void multiLineDataAndEmptyDataLines() {
    feed("data: first\ndata:\ndata: third\n\ndata\n\n");
    assertThat(events).extracting(SseEvent::data).containsExactly("first\n\nthird", "");
  }

  @Test
  void onlyOneLeadingSpaceIsRemovedFromTheValue() {
    feed("data:  two spaces\n\n");
    assertThat(events).extracting(SseEvent::data).containsExactly(" two spaces");
  }

  @Test
  void commentsAndUnknownFieldsAreIgnoredAndEventsWithoutDataAreNotDispatched() {
    feed(": comment\nretry: 1000\nfoo: bar\n\nevent: lonely\n\n: another\ndata: x\n\n");
    assertThat(events).containsExactly(new SseEvent(null, "x", null));
  }

  @Test
  void fieldNamesMatchWholeAndCaseSensitive() {
    feed("dat: a\ndatas: b\nData: c\nevents: d\nidx: e\ndata: f\n\n");
    assertThat(events).containsExactly(new SseEvent(null, "f", null));
  }

  @Test
  void leadingByteOrderMarkIsSkipped() {
    decoder.feed(Buffer.buffer(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}));
    feed("event: e\ndata: d\n\n");
    assertThat(events).containsExactly(new SseEvent("e", "d", null));
  }

  @Test
  void endFlushesAFinalEventWithoutBlankLineOrLineTerminator() {
    feed("data: a\n\ndata: b");
    assertThat(events).hasSize(1);
    decoder.end();
    assertThat(events).extracting(SseEvent::data).containsExactly("a", "b");
  }

  @Test
  void endWithNothingPendingDispatchesNothing() {
    feed("data: a\n\n: trailing comment\n");
    decoder.end();
    assertThat(events).hasSize(1);
  }

  @Test
  void recordedAnthropicStreamWithoutFinalNewline() throws IOException {
    // The SDK's fixture ends right after the last data line, as upstreams do when closing.
    feed(resource("/providers/anthropic/anthropic-sdk-python/basic_response.txt"));
    decoder.end();
    assertThat(events).extracting(SseEvent::event).containsExactly("message_start", "content_block_start",
        "ping", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop");
    assertThat(events.get(2).data()).isEqualTo("{\"type\": \"ping\"}");
    assertThat(events.getLast().data()).isEqualTo("{\"type\":\"message_stop\"}");
  }

  @Test
  void longLineArrivingInManySmallChunks() {
    String payload = "x".repeat(200_000);
    feed("data: ");
    for (int i = 0; i < payload.length(); i += 7) {
      feed(payload.substring(i, Math.min(payload.length(), i + 7)));
    }
    feed("\n\n");
    assertThat(events).extracting(SseEvent::data).containsExactly(payload);
  }

  @Test
  void anEventLargerThanTheBoundIsRejected() {
    SseDecoder small = new SseDecoder(events::add, 64);
    small.feed(Buffer.buffer("data: " + "a".repeat(40) + "\n"));
    assertThatThrownBy(() -> small.feed(Buffer.buffer("data: " + "b".repeat(40) + "\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("64");
  }

  @Test
  void aLineWithoutTerminatorLargerThanTheBoundIsRejected() {
    SseDecoder small = new SseDecoder(events::add, 64);
    assertThatThrownBy(() -> small.feed(Buffer.buffer("data: " + "a".repeat(100))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theBoundIsPerEvent() {
    SseDecoder small = new SseDecoder(events::add, 64);
    for (int i = 0; i < 10; i++) {
      small.feed(Buffer.buffer("data: " + "a".repeat(40) + "\n\n"));
    }
    assertThat(events).hasSize(10);
  }

  @Test
  void defaultBoundIs16MiB() {
    SseDecoder d = new SseDecoder(events::add);
    d.feed(Buffer.buffer("data: "));
    Buffer big = Buffer.buffer(new byte[1024 * 1024]);
    assertThatThrownBy(() -> {
      for (int i = 0; i < 17; i++) {
        d.feed(big);
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageContaining(String.valueOf(16 * 1024 * 1024));
  }

  private void feed(String text) {
    decoder.feed(Buffer.buffer(text));
  }

  private void feed(Buffer buffer) {
    decoder.feed(buffer);
  }

  private static Buffer resource(String path) throws IOException {
    try (InputStream in = SseDecoderTest.class.getResourceAsStream(path)) {
      return Buffer.buffer(in.readAllBytes());
    }
  }
}
