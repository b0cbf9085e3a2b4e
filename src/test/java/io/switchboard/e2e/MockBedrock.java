package io.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import io.switchboard.provider.bedrock.EventStreamFrames;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bedrock Runtime's wire format on a local port: Converse JSON, ConverseStream binary event-stream frames,
 * InvokeModel, and AWS-style errors (message body, x-amzn-ErrorType header). Like Bedrock it refuses a
 * request whose SigV4 signature it cannot reproduce, or whose bearer token is wrong.
 */
final class MockBedrock implements AutoCloseable {
  static final String ACCESS_KEY = "AKIDEXAMPLE";
  static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final String BEARER = "bedrock-api-key-example";
  private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream|invoke)");
  private static final Pattern AUTH = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, "
          + "SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");

  record Received(String path, String operation, String modelPathSegment, MultiMap headers, JsonNode body,
      String auth) {}

  interface Reply extends BiConsumer<HttpServerRequest, Buffer> {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String region;
  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();

  MockBedrock(String region) throws Exception {
    this.region = region;
    server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> handle(req, body)))
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  MockBedrock then(Reply reply) {
    script.add(reply);
    return this;
  }

  private void handle(HttpServerRequest req, Buffer body) {
    Matcher path = PATH.matcher(req.path());
    String auth;
    try {
      auth = authenticate(req, body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    received.add(new Received(req.path(), path.matches() ? path.group(2) : null, path.matches() ? path.group(1) : null,
        MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), Json.parseOrNull(body), auth));
    if (!req.method().name().equals("POST") || !path.matches()) {
      error(404, "UnknownOperationException", "no such operation").accept(req, body);
    } else if (!auth.startsWith("ok")) {
      error(403, "InvalidSignatureException", auth).accept(req, body);
    } else {
      Reply reply = script.poll();
      (reply == null ? error(500, "InternalServerException", "no reply scripted") : reply).accept(req, body);
    }
  }

  /** "ok sigv4" or "ok bearer", else why the request is refused. */
  private String authenticate(HttpServerRequest req, Buffer body) throws GeneralSecurityException {
    String authorization = req.getHeader("Authorization");
    if (authorization == null) {
      return "missing Authorization";
    }
    if (authorization.startsWith("Bearer ")) {
      return authorization.equals("Bearer " + BEARER) ? "ok bearer" : "wrong bearer token";
    }
    Matcher m = AUTH.matcher(authorization);
    if (!m.matches()) {
      return "Authorization is not SigV4: " + authorization;
    }
    String date = req.getHeader("X-Amz-Date");
    if (!m.group(1).equals(ACCESS_KEY) || date == null || !date.startsWith(m.group(2))
        || !m.group(3).equals(region) || !m.group(4).equals("bedrock")) {
      return "wrong credential scope " + m.group(1) + "/" + m.group(2) + "/" + m.group(3) + "/" + m.group(4);
    }
    List<String> signed = List.of(m.group(5).split(";"));
    for (String required : List.of("host", "x-amz-date", "content-type", "x-amz-content-sha256")) {
      if (!signed.contains(required)) {
        return "header " + required + " is not signed: " + m.group(5);
      }
    }
    String payloadHash = hex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
    if (!payloadHash.equals(req.getHeader("x-amz-content-sha256"))) {
      return "x-amz-content-sha256 does not match the body";
    }
    // The canonical request, rebuilt from what arrived: the path's escapes are escaped once more.
    StringBuilder canonical = new StringBuilder("POST\n").append(req.path().replace("%", "%25")).append("\n\n");
    for (String name : signed) {
      canonical.append(name).append(':').append(req.getHeader(name).strip()).append('\n');
    }
    canonical.append('\n').append(m.group(5)).append('\n').append(payloadHash);
    String scope = m.group(2) + "/" + region + "/bedrock/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n"
        + hex(MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), m.group(2));
    key = hmac(key, region);
    key = hmac(key, "bedrock");
    key = hmac(key, "aws4_request");
    return hex(hmac(key, toSign)).equals(m.group(6)) ? "ok sigv4"
        : "The request signature we calculated does not match the signature you provided.";
  }

  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static Reply json(String body) {
    return (req, b) -> req.response().putHeader("content-type", "application/json")
        .putHeader("x-amzn-RequestId", "req-123").end(body);
  }

  /** A Titan embedding answer chosen by the request's inputText, so that the order of the calls does not matter. */
  static Reply titan(Map<String, String> bodiesByInput) {
    return (req, b) -> json(bodiesByInput.get(Json.parseOrNull(b).path("inputText").asText())).accept(req, b);
  }

  static Reply error(int status, String type, String message) {
    return (req, b) -> req.response().setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .end(Json.string(Json.object().put("message", message)));
  }

  /** The events of a {@code *.chunks.txt} recording as binary frames, written {@code step} bytes at a time. */
  static Reply eventStream(String chunksTxt, int step) {
    return eventStream(frames(chunksTxt), step);
  }

  static Reply eventStream(byte[] frames, int step) {
    return (req, b) -> {
      HttpServerResponse response = req.response().setChunked(true)
          .putHeader("content-type", "application/vnd.amazon.eventstream").putHeader("x-amzn-RequestId", "req-456");
      for (int i = 0; i < frames.length; i += step) {
        response.write(Buffer.buffer().appendBytes(frames, i, Math.min(step, frames.length - i)));
      }
      response.end();
    };
  }

  static byte[] frames(String chunksTxt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : chunksTxt.lines().filter(l -> !l.isBlank()).toList()) {
      try {
        Map.Entry<String, JsonNode> event = Json.parse(line).properties().iterator().next();
        out.writeBytes(EventStreamFrames.event(event.getKey(), Json.string(event.getValue())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toByteArray();
  }

  List<String> operations() {
    List<String> out = new ArrayList<>();
    received.forEach(r -> out.add(r.operation()));
    return out;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
