package io.switchboard.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.api.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseErrorRedactionTest {
  static final String KEY = "sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWxYz1234567890abcd";
  /** The provider's own key, of no known shape: masked only because it is known. */
  static final String OWN = "cfg-4711-QwErTyUiOpAsDfGh";

  static final String HEL = chunk("Hel");
  static final String LO = chunk("lo");
  static final String DONE = "data: [DONE]\n\n";
  static final String ERROR = "data: {\"error\":{\"message\":\"Incorrect API key provided: " + KEY + " (" + OWN
      + ")\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}\n\n";
  static final String MASKED_ERROR = "data: {\"error\":{\"message\":\"Incorrect API key provided: <redacted>"
      + " (<redacted>)\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}\n\n";

  /** The error event masked: lines framed anew, its blank line as the stream's. */
  static String masked(String eol) {
    return MASKED_ERROR.substring(0, MASKED_ERROR.length() - 1) + eol;
  }

  static String chunk(String content) {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + Json.string(TextNode.valueOf(content))
        + "},\"finish_reason\":null}]}\n\n";
  }

  private final SseErrorRedaction redaction = new SseErrorRedaction(List.of(OWN));

  @Test
  void plainChunksPassAsTheyCameNotCopied() {
    for (String event : List.of(HEL, LO, HEL.replace("\n", "\r\n"), LO.replace("\n", "\r"), DONE)) {
      Buffer chunk = Buffer.buffer(event);
      assertThat(redaction.onChunk(chunk)).isSameAs(chunk);
    }
    assertThat(redaction.onEnd().length()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"error", "an \"error\" occurred", "{\"error\": \"x\"}", "event: error", "\nevent: error\n"})
  void theWordErrorInModelOutputPassesByteForByte(String content) {
    String stream = chunk(content) + chunk("error") + ": error\n\n"
        + "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{\\\"error\\\":1}\"}}]}}]}\n\n"
        + "data: {\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"error\"}]}}],\"note\":\"" + KEY + "\"}\n\n"
        + DONE;
    assertThat(run(stream, stream.length() / 2)).isEqualTo(stream);
    assertThat(whole(stream)).isEqualTo(stream);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\r"})
  void anErrorEventIsMaskedWhereverTheChunksAreCut(String eol) {
    String stream = (HEL + LO + ERROR + DONE).replace("\n", eol);
    String expected = (HEL + LO).replace("\n", eol) + masked(eol) + DONE.replace("\n", eol);
    for (int cut = 0; cut <= stream.length(); cut++) {
      assertThat(run(stream, cut)).as("cut at %d", cut).isEqualTo(expected);
    }
  }

  @Test
  void oneByteAtATime() {
    String stream = (HEL + ERROR + LO).replace("\n", "\r\n");
    SseErrorRedaction r = new SseErrorRedaction(List.of(OWN));
    StringBuilder out = new StringBuilder();
    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      out.append(r.onChunk(Buffer.buffer(new byte[] {b})));
    }
    out.append(r.onEnd());
    assertThat(out.toString()).isEqualTo(HEL.replace("\n", "\r\n") + masked("\r\n") + LO.replace("\n", "\r\n"));
  }

  @Test
  void anEventNamedErrorIsMaskedJsonOrText() {
    String json = "event: error\ndata: {\"message\":\"bad key " + KEY + "\"}\n\n";
    String text = "event:error\r\ndata: Incorrect API key provided: " + OWN + "\r\n\r\n";
    assertThat(whole(HEL + json + text + LO)).isEqualTo(HEL
        + "event: error\ndata: {\"message\":\"bad key <redacted>\"}\n\n"
        + "event: error\ndata: Incorrect API key provided: <redacted>\n\r\n" + LO);
  }

  @Test
  void otherErrorShapesAreMasked() {
    String vllm = "data: {\"object\":\"error\",\"message\":\"key " + KEY + "\",\"code\":401}\n\n";
    String anthropic = "event: error\ndata: {\"type\":\"error\",\"error\":{\"message\":\"" + OWN + "\"}}\n\n";
    String text = "data: {\"error\":\"invalid key " + KEY + "\"}\n\n";
    assertThat(whole(vllm + anthropic + text)).isEqualTo(
        "data: {\"object\":\"error\",\"message\":\"key <redacted>\",\"code\":401}\n\n"
        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"message\":\"<redacted>\"}}\n\n"
        + "data: {\"error\":\"invalid key <redacted>\"}\n\n");
  }

  @Test
  void anErrorWithNothingToMaskKeepsItsBytes() {
    String stream = HEL + "id: 7\r\ndata: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit\"}}\r\n\r\n";
    assertThat(whole(stream)).isEqualTo(stream);
  }

  @Test
  void aMaskedEventKeepsItsIdAndName() {
    String event = "id: 7\nevent: error\ndata: {\"error\":{\"message\":\"" + KEY + "\"}}\n\n";
    assertThat(whole(event)).isEqualTo("id: 7\nevent: error\ndata: {\"error\":{\"message\":\"<redacted>\"}}\n\n");
  }

  @Test
  void aLastEventWithoutItsBlankLineIsJudgedAtTheEnd() {
    assertThat(run(HEL + ERROR.strip(), HEL.length() + 10)).isEqualTo(HEL + MASKED_ERROR);
    assertThat(run(HEL + "data: [DONE]", HEL.length() + 3)).isEqualTo(HEL + "data: [DONE]");
  }

  @Test
  void anUnfinishedEventIsHeldBackUntilItsEnd() {
    Buffer first = redaction.onChunk(Buffer.buffer(HEL + "data: {\"err"));
    assertThat(first.toString()).isEqualTo(HEL);
    assertThat(redaction.onChunk(Buffer.buffer("or\":{\"message\":\"" + KEY)).length()).isZero();
    assertThat(redaction.onChunk(Buffer.buffer("\"}}\n\n")).toString())
        .isEqualTo("data: {\"error\":{\"message\":\"<redacted>\"}}\n\n");
  }

  @Test
  void anEventPastTheBoundFails() {
    SseErrorRedaction small = new SseErrorRedaction(List.of(), 64);
    small.onChunk(Buffer.buffer("data: " + "x".repeat(50)));
    assertThatThrownBy(() -> small.onChunk(Buffer.buffer("x".repeat(20))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("SSE event size");
  }

  @Test
  void theSignIsFoundWhereverItIs() {
    // Filler with o's (and the n after one, which the word-wide search may also flag) before and after.
    String filler = "on o\"erro\" error\\\"error\\\"";
    for (String sign : List.of("\"error\"", "event:error", "event: error", "{\"a\":1,\"error\":{}}")) {
      for (int before = 0; before <= 17; before++) {
        for (int after = 0; after <= 17; after++) {
          String text = filler.repeat(2).substring(0, before) + sign + filler.repeat(2).substring(0, after);
          assertThat(mayBeError(text)).as("[%s]", text).isTrue();
        }
      }
    }
    for (String text : List.of("error", "\\\"error\\\"", "\"errors\"", "errorerror", "data: error", "\"erro\"",
        "on on on on on oon", filler.repeat(5))) {
      assertThat(mayBeError(text)).as(text).isFalse();
    }
  }

  private static boolean mayBeError(String text) {
    byte[] bytes = ("ab" + text + "cd").getBytes(StandardCharsets.US_ASCII);
    return SseErrorRedaction.mayBeError(bytes, 2, bytes.length - 2);
  }

  /** {@code stream} through a fresh transformer in two chunks cut at {@code cut}, all output joined. */
  private static String run(String stream, int cut) {
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    SseErrorRedaction r = new SseErrorRedaction(List.of(OWN));
    Buffer out = Buffer.buffer();
    out.appendBuffer(r.onChunk(Buffer.buffer().appendBytes(bytes, 0, cut)));
    out.appendBuffer(r.onChunk(Buffer.buffer().appendBytes(bytes, cut, bytes.length - cut)));
    out.appendBuffer(r.onEnd());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String whole(String stream) {
    return run(stream, 0);
  }
}
