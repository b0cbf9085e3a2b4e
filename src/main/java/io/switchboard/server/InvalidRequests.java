package io.switchboard.server;

import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers what the HTTP/1 decoder could not read (a request line or headers over their limits, a malformed
 * request) in the OpenAI error shape; Vert.x's own answers have no body. The connection closes after it.
 */
final class InvalidRequests {
  private InvalidRequests() {}

  static void answer(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    ApiException e = switch (cause) {
      case TooLongHttpLineException t -> new ApiException(414, "invalid_request_error", "uri_too_long", null,
          "The request line is longer than the limit of 8192 bytes.");
      case TooLongHttpHeaderException t -> new ApiException(431, "invalid_request_error",
          "request_header_fields_too_large", null,
          "The request headers are larger than the limit (server.max_header_bytes).");
      case TooLongFrameException t -> new ApiException(431, "invalid_request_error",
          "request_header_fields_too_large", null, "A part of the request head is larger than its limit.");
      case null, default -> new ApiException(400, "invalid_request_error", "invalid_http_request", null,
          "The request is not valid HTTP/1.1 (a malformed request line, header or content-length).");
    };
    request.response()
        .setStatusCode(e.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Headers.JSON)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(Json.buffer(e.toJson()));
  }
}
