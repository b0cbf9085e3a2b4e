package io.switchboard.plugin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.pricing.Usage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * How one request ended, as every plugin's {@link Plugin#onFinish} sees it: once, after the last byte went
 * to the client (or the client left). For a stream, {@link #response()} is the completion assembled from
 * the chunks the client got, with its usage. Parsing and pricing happen on first use, once.
 */
public final class Finish {
  /** The status logged for a client that left before its answer (nginx's convention). */
  public static final int CLIENT_CLOSED = 499;

  private static final byte[] USAGE = {'"', 'u', 's', 'a', 'g', 'e', '"'};
  /** Reads one value out of a larger document: what follows it is not "trailing". */
  private static final ObjectReader PART = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final int status;
  private final boolean stream;
  private final String provider;
  private final String target;
  private final String modelServed;
  private final int attempts;
  private final long latencyNanos;
  private final long ttftNanos;
  private final Buffer responseBytes;
  private final PriceCatalog prices;
  private ObjectNode response;
  private final ObjectNode error;
  private Usage usage;
  private boolean usageReported;
  private boolean priced;
  private Double cost;

  /**
   * @param response the answer's JSON when it is already parsed (an assembled stream), else null
   * @param responseBytes the answer's bytes (a complete JSON body), else null
   * @param error the OpenAI error object ({@code {"message","type",...}}) when the request failed, else null
   * @param ttftNanos time to the first streamed byte, or -1
   */
  public Finish(int status, boolean stream, String provider, String target, String modelServed, int attempts,
      long latencyNanos, long ttftNanos, ObjectNode response, Buffer responseBytes, ObjectNode error,
      PriceCatalog prices) {
    this.status = status;
    this.stream = stream;
    this.provider = provider;
    this.target = target;
    this.modelServed = modelServed;
    this.attempts = attempts;
    this.latencyNanos = latencyNanos;
    this.ttftNanos = ttftNanos;
    this.response = response;
    this.responseBytes = responseBytes;
    this.error = error;
    this.prices = prices;
  }

  /**
   * A copy with its own lazily computed state (what is already known is carried over), for reading on another
   * thread while the plugins go on reading this one on the event loop. The answer itself is shared, read-only.
   */
  public Finish copy() {
    Finish c = new Finish(status, stream, provider, target, modelServed, attempts, latencyNanos, ttftNanos, response,
        responseBytes, error, prices);
    c.usage = usage;
    c.usageReported = usageReported;
    c.priced = priced;
    c.cost = cost;
    return c;
  }

  /** The status the client got; a stream that failed midway still answered 200 (see {@link #error()}). */
  public int status() {
    return status;
  }

  public boolean succeeded() {
    return status < 400 && error == null;
  }

  public boolean stream() {
    return stream;
  }

  /** Provider type of the target that answered, or null when none did (denied, cached, failed early). */
  public String provider() {
    return provider;
  }

  public String target() {
    return target;
  }

  /** The model the upstream was asked for, or null when no upstream answered. */
  public String modelServed() {
    return modelServed;
  }

  public int attempts() {
    return attempts;
  }

  public long latencyNanos() {
    return latencyNanos;
  }

  /** Time to the first streamed byte, or -1 for a non-stream answer or a stream that sent nothing. */
  public long ttftNanos() {
    return ttftNanos;
  }

  /** The answer's JSON (for a stream, assembled), or null when there is none or it is not JSON. */
  public ObjectNode response() {
    if (response == null && responseBytes != null) {
      JsonNode parsed = Json.parseOrNull(responseBytes);
      response = parsed instanceof ObjectNode o ? o : null;
    }
    return response;
  }

  /** The answer's bytes when it was a whole JSON body (what a cache stores), else null. */
  public Buffer responseBytes() {
    return responseBytes;
  }

  /** The OpenAI error object the client got (for a stream, in its last event), or null. */
  public ObjectNode error() {
    return error;
  }

  /** The error's {@code type}, or null. */
  public String errorType() {
    return error == null ? null : error.path("type").asText(null);
  }

  /** Token counts the answer reported, or {@link Usage#NONE}. */
  public Usage usage() {
    if (usage == null) {
      // A whole body nobody parsed yet is scanned for its usage alone, not read into a tree.
      JsonNode node;
      if (response == null && responseBytes != null) {
        node = usageIn(responseBytes);
      } else {
        node = response == null ? null : response.get("usage");
      }
      usageReported = node != null && node.isObject();
      usage = Usage.of(node);
    }
    return usage;
  }

  /** Whether the answer had a {@code usage} object at all (a zero count is still a count). */
  public boolean usageReported() {
    usage();
    return usageReported;
  }

  private static JsonNode usageIn(Buffer buffer) {
    byte[] bytes = buffer.getBytes();
    int at = usageObjectStart(bytes);
    if (at < 0) {
      return null;
    }
    try (JsonParser parser = Json.MAPPER.createParser(bytes, at, bytes.length - at)) {
      return parser.nextToken() == JsonToken.START_OBJECT ? PART.readTree(parser) : null;
    } catch (IOException | RuntimeException e) {
      return null;  // not JSON: no usage, as for an unparsable body
    }
  }

  /**
   * Where the top-level {@code "usage"} member's object starts, or -1. A byte scan that follows only strings
   * and nesting, several times cheaper than tokenising the answer (which is otherwise never parsed on the
   * passthrough path); the usage object itself is then read by Jackson.
   */
  static int usageObjectStart(byte[] b) {
    int depth = 0;
    for (int i = 0; i < b.length; i++) {
      byte c = b[i];
      if (c == '"') {
        boolean key = depth == 1 && matches(b, i, USAGE);
        int close = stringEnd(b, i);
        if (close < 0) {
          return -1;
        }
        i = close;
        if (key) {
          int j = skipSpace(b, i + 1);
          if (j < b.length && b[j] == ':') {
            j = skipSpace(b, j + 1);
            return j < b.length && b[j] == '{' ? j : -1;
          }
        }
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return -1;
  }

  /** The index of the quote closing the string opened at {@code open}, or -1. */
  private static int stringEnd(byte[] b, int open) {
    for (int i = open + 1; i < b.length; i++) {
      if (b[i] == '\\') {
        i++;
      } else if (b[i] == '"') {
        return i;
      }
    }
    return -1;
  }

  private static boolean matches(byte[] b, int at, byte[] word) {
    if (at + word.length > b.length) {
      return false;
    }
    for (int k = 0; k < word.length; k++) {
      if (b[at + k] != word[k]) {
        return false;
      }
    }
    return true;
  }

  private static int skipSpace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** What the answer cost at list price, or null when no upstream answered or the model has no price. */
  public Double cost() {
    if (!priced) {
      priced = true;
      Usage usage = usage();
      cost = modelServed == null || usage.isEmpty() ? null
          : prices.lookup(modelServed).map(p -> p.cost(usage)).orElse(null);
    }
    return cost;
  }
}
