package io.switchboard.provider.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * An AWS event-stream encoder written for the tests from the published framing, independent of the SDK
 * decoder under test: total length, headers length, prelude CRC32, string headers (type 7), payload,
 * message CRC32, all big-endian.
 */
public final class EventStreamFrames {
  private EventStreamFrames() {}

  public static byte[] event(String eventType, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":event-type", eventType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "event");
    return frame(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] exception(String exceptionType, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":exception-type", exceptionType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "exception");
    return frame(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] frame(Map<String, String> headers, byte[] payload) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    headers.forEach((name, value) -> {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      h.write(n.length);
      h.writeBytes(n);
      h.write(7); // string
      h.write((v.length >> 8) & 0xff);
      h.write(v.length & 0xff);
      h.writeBytes(v);
    });
    byte[] headerBytes = h.toByteArray();
    int total = 12 + headerBytes.length + payload.length + 4;
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putInt(total).putInt(headerBytes.length);
    out.putInt((int) crc(out.array(), 0, 8));
    out.put(headerBytes).put(payload);
    out.putInt((int) crc(out.array(), 0, total - 4));
    return out.array();
  }

  private static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }
}
