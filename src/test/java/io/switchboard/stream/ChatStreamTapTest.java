package io.switchboard.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChatStreamTapTest {
  private static final String TEXT_STREAM = "e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin";
  private static final String CHUNK = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}";
  private static final String USAGE = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  /** Feeds the bytes in random pieces and returns everything the tap let through, its end included. */
  private static String run(ChatStreamTap tap, byte[] bytes, long seed) {
    Random random = new Random(seed);
    Buffer out = Buffer.buffer();
    for (int at = 0; at < bytes.length; ) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(200));
      out.appendBuffer(tap.onChunk(Buffer.buffer(Arrays.copyOfRange(bytes, at, at + n))));
      at += n;
    }
    return out.appendBuffer(tap.onEnd()).toString(StandardCharsets.UTF_8);
  }

  private static ObjectNode assembled(byte[] bytes) {
    ChatStreamAssembler assembler = new ChatStreamAssembler();
    assembler.feed(Buffer.buffer(bytes));
    assembler.end();
    return assembler.completion();
  }

  @Test
  void takesTheUsageChunkOutAndAssemblesTheSameAnswer() throws IOException {
    byte[] bytes = ChatStreamAssemblerTest.fixture(TEXT_STREAM);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int usage = text.indexOf("data: {\"id\":\"chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1727346168,\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_5050236cbd\",\"choices\":[]");
    String withoutUsage = text.substring(0, usage) + text.substring(text.indexOf("\n\n", usage) + 2);
    for (long seed = 0; seed < 20; seed++) {
      ChatStreamTap tap = new ChatStreamTap(true);
      // The recording is framed as the encoder frames, so only the usage event's bytes go missing.
      assertThat(run(tap, bytes, seed)).as("seed %d", seed).isEqualTo(withoutUsage);
      ObjectNode completion = tap.completion();
      assertThat(completion).isEqualTo(assembled(bytes));
      assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(44);
    }
  }

  @Test
  void withoutStrippingTheBuffersPassAsTheyCame() throws IOException {
    byte[] bytes = ChatStreamAssemblerTest.fixture(TEXT_STREAM);
    ChatStreamTap tap = new ChatStreamTap(false);
    for (int at = 0; at < bytes.length; at += 100) {
      Buffer chunk = Buffer.buffer(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 100)));
      assertThat(tap.onChunk(chunk)).isSameAs(chunk);
    }
    assertThat(tap.onEnd().length()).isZero();
    assertThat(tap.completion()).isEqualTo(assembled(bytes));
  }

  @Test
  void strippingReframesEveryOtherEventAtAnySplit() {
    // CRLF, a comment, an id, no space after the colon, a named event: what the client gets is re-framed.
    String in = ": keep-alive\r\nid: 1\r\ndata:" + CHUNK + "\r\n\r\nevent: ping\r\ndata: {}\r\n\r\ndata: " + USAGE
        + "\r\n\r\ndata: [DONE]\r\n\r\n";
    String expected = "data: " + CHUNK + "\n\nevent: ping\ndata: {}\n\ndata: [DONE]\n\n";
    byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      ChatStreamTap tap = new ChatStreamTap(true);
      String out = tap.onChunk(Buffer.buffer(Arrays.copyOfRange(bytes, 0, cut))).toString()
          + tap.onChunk(Buffer.buffer(Arrays.copyOfRange(bytes, cut, bytes.length))) + tap.onEnd();
      assertThat(out).as("cut at byte %d", cut).isEqualTo(expected);
      ObjectNode completion = tap.completion();
      assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hi");
      assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(4);
    }
  }

  @Test
  void onlyTheFirstUnnamedUsageChunkIsTakenOut() {
    ChatStreamTap tap = new ChatStreamTap(true);
    String named = "event: usage\ndata: " + USAGE + "\n\n";
    assertThat(tap.onChunk(Buffer.buffer(named)).toString()).isEqualTo(named);
    assertThat(tap.onChunk(Buffer.buffer("data: " + USAGE + "\n\n")).length()).isZero();
    assertThat(tap.onChunk(Buffer.buffer("data: " + USAGE + "\n\n")).toString()).isEqualTo("data: " + USAGE + "\n\n");
  }

  @Test
  void theClientsOwnUsageChunkStaysInTheAnswer() {
    ChatStreamTap tap = new ChatStreamTap(false);
    tap.onChunk(Buffer.buffer("data: " + CHUNK + "\n\ndata: " + USAGE + "\n\ndata: [DONE]\n\n"));
    tap.onEnd();
    assertThat(tap.completion().at("/usage/prompt_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void aLastEventWithoutItsBlankLineIsSentAtTheEnd() {
    ChatStreamTap tap = new ChatStreamTap(true);
    assertThat(tap.onChunk(Buffer.buffer("data: " + CHUNK)).length()).isZero();
    assertThat(tap.onEnd().toString()).isEqualTo("data: " + CHUNK + "\n\n");
    assertThat(tap.completion().at("/choices/0/message/content").asText()).isEqualTo("Hi");
  }

  @Test
  void aFailedStreamsLastEventCountsInTheAnswerWithoutBeingSent() {
    ChatStreamTap tap = new ChatStreamTap(true);
    assertThat(tap.onChunk(Buffer.buffer("data: " + CHUNK)).length()).isZero();
    // No onEnd: the upstream failed, the gateway sends its error event and asks for the answer.
    assertThat(tap.completion().at("/choices/0/message/content").asText()).isEqualTo("Hi");
  }
}
