package io.switchboard.provider.bedrock;

import static io.switchboard.provider.RecordedTraffic.assemble;
import static io.switchboard.provider.RecordedTraffic.bytes;
import static io.switchboard.provider.bedrock.BedrockFixtures.VERCEL;
import static io.switchboard.provider.bedrock.BedrockFixtures.eventStream;
import static io.switchboard.provider.bedrock.BedrockFixtures.replay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.provider.RecordedTraffic.Assembled;
import io.switchboard.provider.RecordedTraffic.ToolCall;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden tests: recorded ConverseStream events, framed as binary event stream, in; OpenAI chunks out. */
class BedrockStreamTest {
  static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";

  /** Every text delta of a recording, read straight from the fixture. */
  static String recordedText(String file, String field) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : bytes(VERCEL + file).toString(StandardCharsets.UTF_8).lines().toList()) {
      JsonNode delta = Json.parse(line).path("contentBlockDelta").path("delta");
      JsonNode value = field.equals("text") ? delta.path("text") : delta.path("reasoningContent").path("text");
      text.append(value.asText(""));
    }
    return text.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 13, 64, 1000, 100_000})
  void textStreamSurvivesAnySplitOfTheFrames(int step) throws IOException {
    List<ObjectNode> out = replay(eventStream(VERCEL + "amazon-bedrock-text.chunks.txt"), step, MODEL, true);

    Assembled a = assemble(out, MODEL);
    assertThat(a.role()).isEqualTo("assistant");
    assertThat(a.content()).isEqualTo(recordedText("amazon-bedrock-text.chunks.txt", "text"))
        .startsWith("Let me count the \"r\"s in \"strawberry\"").endsWith("'s in \"strawberry.\"");
    assertThat(a.toolCalls()).isEmpty();
    assertThat(a.finishReason()).isEqualTo("stop");
    assertThat(a.usage().path("prompt_tokens").asInt()).isEqualTo(22);
    assertThat(a.usage().path("completion_tokens").asInt()).isEqualTo(55);
    assertThat(a.usage().path("total_tokens").asInt()).isEqualTo(77);
    // role chunk, 12 text deltas, finish chunk, usage chunk
    assertThat(a.chunkCount()).isEqualTo(15);
    assertThat(out.getLast().path("choices")).isEmpty();
  }

  @Test
  void withoutIncludeUsageNoChunkCarriesUsage() {
    List<ObjectNode> out = replay(eventStream(VERCEL + "amazon-bedrock-text.chunks.txt"), 5, MODEL, false);
    assertThat(out).hasSize(14).allSatisfy(c -> assertThat(c.has("usage")).isFalse());
    assertThat(assemble(out, MODEL).usage()).isNull();
  }

  @Test
  void toolCallStreamsItsInputAsArgumentsWhenMetadataComesBeforeMessageStop() {
    List<ObjectNode> out = replay(eventStream(VERCEL + "amazon-bedrock-tool-call.1.chunks.txt"), 11, MODEL, true);

    Assembled a = assemble(out, MODEL);
    assertThat(a.toolCalls()).containsExactly(new ToolCall("tool-use-id", "test-tool", "{\"value\":\"Sparkle Day\"}"));
    assertThat(a.content()).isEmpty();
    assertThat(a.role()).as("sent on the first chunk though there was no messageStart").isEqualTo("assistant");
    assertThat(a.finishReason()).isEqualTo("tool_calls");
    assertThat(a.usage().path("prompt_tokens").asInt()).isEqualTo(125);
    assertThat(a.usage().path("completion_tokens").asInt()).isEqualTo(45);
    assertThat(out.getLast().has("usage")).isTrue();
  }

  @Test
  void toolWithoutInputGetsEmptyObjectArguments() {
    Assembled a = assemble(replay(eventStream(VERCEL + "amazon-bedrock-tool-no-args.chunks.txt"), 2, MODEL, true),
        MODEL);
    assertThat(a.content()).isEqualTo("I'll update the issue list for you.");
    assertThat(a.toolCalls()).containsExactly(new ToolCall("tool-use-id", "updateIssueList", "{}"));
    assertThat(a.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void reasoningGoesToReasoningContentNotContent() throws IOException {
    Assembled a = assemble(replay(eventStream(VERCEL + "amazon-bedrock-reasoning.chunks.txt"), 17, MODEL, true),
        MODEL);
    String reasoning = recordedText("amazon-bedrock-reasoning.chunks.txt", "reasoning");
    assertThat(reasoning).isNotEmpty();
    assertThat(a.reasoning()).isEqualTo(reasoning);
    assertThat(a.content()).isEqualTo(recordedText("amazon-bedrock-reasoning.chunks.txt", "text"))
        .doesNotContain(reasoning);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amazon-bedrock-json-only-text-first.1.chunks.txt", "amazon-bedrock-json-other-tool.1.chunks.txt",
      "amazon-bedrock-json-tool-text-then-weather-then-json.1.chunks.txt", "amazon-bedrock-json-tool.1.chunks.txt",
      "amazon-bedrock-json-tool.2.chunks.txt", "amazon-bedrock-json-tool.3.chunks.txt",
      "amazon-bedrock-json-with-tool.1.chunks.txt", "amazon-bedrock-json-with-tools.1.chunks.txt"})
  void everyRecordedStreamAssemblesIntoValidChunksWithJsonArguments(String file) throws IOException {
    Assembled a = assemble(replay(eventStream(VERCEL + file), 9, MODEL, true), MODEL);
    assertThat(a.finishReason()).isNotNull();
    assertThat(a.usage()).isNotNull();
    assertThat(a.content()).isEqualTo(recordedText(file, "text"));
    for (ToolCall call : a.toolCalls()) {
      assertThat(Json.parse(call.arguments()).isObject()).as(call.toString()).isTrue();
    }
  }

  @Test
  void throttlingExceptionMidStreamFailsWithRateLimitError() {
    byte[] frames = concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
        EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"),
        EventStreamFrames.exception("throttlingException", "{\"message\":\"Too many requests, please wait.\"}"));
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(MODEL, false));
    int firstTwo = frames.length - EventStreamFrames.exception("throttlingException",
        "{\"message\":\"Too many requests, please wait.\"}").length;

    Buffer out = transformer.onChunk(Buffer.buffer().appendBytes(frames, 0, firstTwo));
    assertThat(out.toString()).contains("\"Hi\"");

    assertThatThrownBy(() -> transformer.onChunk(Buffer.buffer().appendBytes(frames, firstTwo, frames.length - firstTwo)))
        .isInstanceOfSatisfying(StreamFailure.class, f -> {
          assertThat(f.status()).isEqualTo(429);
          assertThat(f.errorBody().path("error").path("type").asText()).isEqualTo("rate_limit_error");
          assertThat(f.errorBody().path("error").path("code").asText()).isEqualTo("ThrottlingException");
          assertThat(f.errorBody().path("error").path("message").asText()).isEqualTo("Too many requests, please wait.");
        });
  }

  @Test
  void validationExceptionAsFirstFrameFailsBeforeAnyOutput() {
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(MODEL, false));
    assertThatThrownBy(() -> transformer.onChunk(Buffer.buffer(
        EventStreamFrames.exception("validationException", "{\"message\":\"Malformed input request\"}"))))
        .isInstanceOfSatisfying(StreamFailure.class, f -> {
          assertThat(f.status()).isEqualTo(400);
          assertThat(f.errorBody().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        });
  }

  @Test
  void aCorruptedFrameIsRejectedByItsChecksum() {
    byte[] frame = EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
    frame[frame.length - 10] ^= 0x01; // one bit of the payload
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(MODEL, false));
    assertThatThrownBy(() -> transformer.onChunk(Buffer.buffer(frame)))
        .isInstanceOfSatisfying(StreamFailure.class,
            f -> assertThat(f.errorBody().path("error").path("code").asText()).isEqualTo("bad_upstream_event"));
  }

  @Test
  void aCorruptedPreludeIsRejected() {
    byte[] frame = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
    frame[3] ^= 0x02; // total length no longer matches the prelude CRC
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(MODEL, false));
    assertThatThrownBy(() -> transformer.onChunk(Buffer.buffer(frame))).isInstanceOf(StreamFailure.class);
  }

  @Test
  void aStreamCutBeforeMessageStopIsAnError() {
    byte[] frames = concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
        EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"));
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(MODEL, false));
    transformer.onChunk(Buffer.buffer(frames));
    assertThatThrownBy(transformer::onEnd).isInstanceOfSatisfying(StreamFailure.class,
        f -> assertThat(f.errorBody().path("error").path("code").asText()).isEqualTo("upstream_stream_truncated"));
  }

  @Test
  void aPartialFrameProducesNothingUntilItCompletes() {
    byte[] frame = EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
    EventStreamTransformer transformer = new EventStreamTransformer(new BedrockStreamMapper(MODEL, false));
    assertThat(transformer.onChunk(Buffer.buffer().appendBytes(frame, 0, frame.length - 1)).length()).isZero();
    assertThat(transformer.onChunk(Buffer.buffer().appendBytes(frame, frame.length - 1, 1)).toString())
        .contains("\"content\":\"Hi\"");
  }

  static byte[] concat(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(f);
    }
    return out.toByteArray();
  }
}
