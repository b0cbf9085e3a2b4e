package io.switchboard.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapper. Numbers are read as BigDecimal so a passthrough request that is re-serialised
 * (after a model rewrite) keeps every digit the client sent.
 */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  /** A reader bound to trees: finds its root deserializer once, not on every request body. */
  private static final ObjectReader TREE = MAPPER.readerFor(JsonNode.class);

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static JsonNode parse(Buffer buffer) throws IOException {
    // Read a heap buffer's bytes where they are: the tree keeps none of them, so copying them first is waste.
    if (buffer instanceof BufferInternal internal) {
      ByteBuf bytes = internal.getByteBuf();
      if (bytes.hasArray()) {
        return TREE.readTree(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      }
    }
    return TREE.readTree(buffer.getBytes());
  }

  public static JsonNode parse(String text) throws IOException {
    return MAPPER.readTree(text);
  }

  /** Parses, or returns null for anything that is not JSON. */
  public static JsonNode parseOrNull(Buffer buffer) {
    try {
      return buffer == null || buffer.length() == 0 ? null : parse(buffer);
    } catch (IOException e) {
      return null;
    }
  }

  /** Parses text, or returns null for anything that is not JSON (an SSE event's data, already a string). */
  public static JsonNode parseOrNull(String text) {
    try {
      return text == null || text.isEmpty() ? null : TREE.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  public static Buffer buffer(JsonNode node) {
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String string(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
