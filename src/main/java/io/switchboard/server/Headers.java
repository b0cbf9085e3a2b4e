package io.switchboard.server;

import io.vertx.core.http.HttpHeaders;

/** Response header names and values, made once so Vert.x neither validates nor re-encodes them per request. */
final class Headers {
  static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
  static final CharSequence PROVIDER = HttpHeaders.createOptimized("x-switchboard-provider");
  static final CharSequence TARGET = HttpHeaders.createOptimized("x-switchboard-target");
  static final CharSequence MODEL = HttpHeaders.createOptimized("x-switchboard-model");
  static final CharSequence VARIANT = HttpHeaders.createOptimized("x-switchboard-variant");
  static final CharSequence ATTEMPTS = HttpHeaders.createOptimized("x-switchboard-attempts");
  static final CharSequence UPSTREAM_REQUEST_ID = HttpHeaders.createOptimized("x-switchboard-upstream-request-id");
  static final String METADATA = "x-switchboard-metadata";
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private Headers() {}
}
