package io.switchboard.provider.bedrock;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.stream.ChunkTransformer;
import io.switchboard.stream.SseChunkWriter;
import io.switchboard.stream.SseEncoder;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * An {@code application/vnd.amazon.eventstream} body to OpenAI SSE. The AWS SDK's decoder does the binary
 * framing (prelude, headers, payload, both CRC32s) across chunk boundaries; each event's JSON payload goes
 * to the {@link BedrockStreamMapper}; an exception message ends the stream with its error.
 */
final class EventStreamTransformer implements ChunkTransformer {
  private final BedrockStreamMapper mapper;
  private final List<Message> decoded = new ArrayList<>();
  private final MessageDecoder decoder = new MessageDecoder(decoded::add);
  private final List<ObjectNode> pending = new ArrayList<>();
  private final SseChunkWriter writer = new SseChunkWriter();

  EventStreamTransformer(BedrockStreamMapper mapper) {
    this.mapper = requireNonNull(mapper, "mapper");
  }

  @Override
  public Buffer onChunk(Buffer chunk) {
    try {
      // The decoder copies what it keeps, so it may read the chunk where it is.
      decoder.feed(chunk instanceof BufferInternal b ? b.getByteBuf().nioBuffer() : ByteBuffer.wrap(chunk.getBytes()));
    } catch (RuntimeException e) {
      // A bad length or checksum: nothing after it can be trusted.
      throw StreamFailure.of("Bedrock sent a malformed event stream frame: " + e.getMessage(), "api_error",
          "bad_upstream_event");
    }
    for (Message message : decoded) {
      onMessage(message);
    }
    decoded.clear();
    return drain();
  }

  @Override
  public Buffer onEnd() {
    pending.addAll(mapper.onEnd());
    return drain().appendBuffer(SseEncoder.done());
  }

  private void onMessage(Message message) {
    String messageType = header(message, ":message-type");
    JsonNode payload = payload(message);
    switch (messageType == null ? "" : messageType) {
      case "event" -> {
        String eventType = header(message, ":event-type");
        if (eventType != null) {
          pending.addAll(mapper.onEvent(eventType, payload));
        }
      }
      case "exception" -> {
        ObjectNode error = BedrockErrorMapper.fromStreamException(header(message, ":exception-type"), payload);
        throw new StreamFailure(error, BedrockErrorMapper.statusFor(error.path("error").path("code").asText()));
      }
      case "error" -> {
        String code = header(message, ":error-code");
        String text = header(message, ":error-message");
        throw new StreamFailure(OpenAiErrors.body(text == null ? "Bedrock stream error " + code : text,
            "api_error", null, code), 502);
      }
      default -> {
        // initial-response and message types added later carry nothing for the client
      }
    }
  }

  private static String header(Message message, String name) {
    HeaderValue value = message.getHeaders().get(name);
    return value == null ? null : value.getString();
  }

  private static JsonNode payload(Message message) {
    byte[] bytes = message.getPayload();
    if (bytes.length == 0) {
      return Json.object();
    }
    try {
      JsonNode node = Json.parse(Buffer.buffer(bytes));
      if (node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // fall through
    }
    throw StreamFailure.of("Bedrock sent a stream event that is not a JSON object", "api_error",
        "bad_upstream_event");
  }

  private Buffer drain() {
    Buffer out = writer.write(pending);
    pending.clear();
    return out;
  }
}
