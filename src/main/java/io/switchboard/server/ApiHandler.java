package io.switchboard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.BodyCollector;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.api.Texts;
import io.switchboard.auth.AuthThrottle;
import io.switchboard.auth.ClientRateLimit;
import io.switchboard.auth.ClientAuth;
import io.switchboard.auth.TrustedProxies;
import io.switchboard.config.GatewayConfig.Limits;
import io.switchboard.config.GatewayConfig;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginChain;
import io.switchboard.provider.Cancellation;
import io.switchboard.provider.ChatProvider;
import io.switchboard.provider.LoopTimers;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamException;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.ModelRouter;
import io.switchboard.routing.RequestExecutor.Exhausted;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.routing.RequestExecutor.Refused;
import io.switchboard.routing.RequestExecutor;
import io.switchboard.routing.RequestFacts;
import io.switchboard.routing.RoutingContext;
import io.switchboard.stream.ChatStreamTap;
import io.switchboard.stream.SseEncoder;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.HostAndPort;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path from socket to upstream and back: route by path, read the body within its limit,
 * validate, pick candidates, run them, and write the answer or an OpenAI-shaped error. Streams are
 * relayed chunk by chunk with backpressure, never buffered whole.
 */
final class ApiHandler implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  /** A body this far past the limit is not worth draining: the connection is closed instead. */
  private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;
  private static final Buffer HEALTHY = Buffer.buffer("{\"status\":\"ok\"}");

  private static final Buffer DRAINING = Buffer.buffer("{\"status\":\"draining\"}");
  private static final Set<String> HEALTH_ROUTES =
      Set.of("/health", "/livez", "/readyz", "/health/liveliness", "/health/readiness");
  private static final Set<String> READINESS_ROUTES = Set.of("/readyz", "/health/readiness");
  /** Model ids are short (the longest real ones, Bedrock ARNs, are about 120 characters). */
  static final int MAX_MODEL_CHARS = 256;
  static final int MAX_USER_CHARS = 1024;
  private static final String EXPOSED_HEADERS = "x-request-id, x-switchboard-provider, x-switchboard-target, "
      + "x-switchboard-model, x-switchboard-variant, x-switchboard-attempts, x-switchboard-upstream-request-id, "
      + "retry-after";

  private final Gateway gateway;
  private final ContextInternal loop;
  private final long maxBodyBytes;
  private final Limits limits;
  private final EdgePolicy edge;
  private final ClientAuth auth;
  private final AuthThrottle throttle;
  private final ClientRateLimit clientRate;
  private final TrustedProxies proxies;
  private final ConnectionGuard connections;
  /** This event loop's requests between arrival and the end of their answer. */
  private final Set<Call> calls = new HashSet<>();
  private boolean draining;
  private final ObjectNode models;
  private final Buffer modelList;
  private final Buffer capabilities;
  private final AdminPluginsEndpoint adminPlugins;

  /**
   * {@code loop}: the context of the verticle whose server this handler serves; its answers are written there.
   * {@code throttle} is shared by every loop; {@code connections} is this loop's.
   */
  ApiHandler(Gateway gateway, ContextInternal loop, AuthThrottle throttle, ClientRateLimit clientRate,
      ConnectionGuard connections) {
    this.gateway = gateway;
    this.loop = loop;
    GatewayConfig.Server server = gateway.config().server();
    this.maxBodyBytes = server.maxBodyBytes();
    this.limits = server.limits();
    this.edge = new EdgePolicy(server.access());
    this.auth = ClientAuth.of(server.access().masterKey());
    this.throttle = throttle;
    this.clientRate = clientRate;
    this.proxies = TrustedProxies.of(server.access().trustedProxies());
    this.connections = connections;
    this.models = modelList(gateway);
    this.modelList = Json.buffer(models);
    this.capabilities = Json.buffer(capabilities(gateway));
    this.adminPlugins = new AdminPluginsEndpoint(gateway.config());
  }

  /** Requests of this handler still being answered; read on its event loop. */
  int inFlight() {
    return calls.size();
  }

  /**
   * From now on new requests are refused with a 503 and every answer closes its connection, so clients move to
   * another replica; the readiness routes answer 503. Call on this handler's loop.
   */
  void drain() {
    draining = true;
    connections.drain();
  }

  /**
   * Ends every request still in flight (the shutdown deadline passed): an unanswered one gets a 503, a stream
   * an error event; each is recorded as a 503 with the code {@code shutting_down}. Call on this handler's loop.
   */
  void cutInFlight() {
    for (Call call : List.copyOf(calls)) {
      call.cut();
    }
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
    HttpServerResponse response = request.response();
    HttpConnection connection = request.connection();
    Call call = new Call(response);
    calls.add(call);
    connections.requestStarted(connection);
    Handler<Object> done = x -> {
      if (calls.remove(call)) {
        connections.requestEnded(connection);
      }
    };
    response.endHandler(done::handle);
    response.exceptionHandler(done::handle);
    if (draining) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    String requestId = requestId(request.getHeader("x-request-id"));
    response.putHeader(Headers.REQUEST_ID, requestId);
    if (connections.overCap(connection)) {
      response.putHeader(HttpHeaders.RETRY_AFTER, "1");
      refuseAndClose(request, new ApiException(503, "api_error", "too_many_connections", null,
          "The gateway has reached its limit of " + limits.maxConnections() + " open connections (server"
              + ".max_connections); retry shortly."));
      return;
    }
    int fields = headerFields(request.headers());
    if (fields > limits.maxHeaders()) {
      refuseAndClose(request, new ApiException(431, "invalid_request_error", "request_header_fields_too_large", null,
          "The request has " + fields + " header fields, more than the limit of " + limits.maxHeaders()
              + " (server.max_headers)."));
      return;
    }
    String path = normalize(request.path());
    HttpMethod method = request.method();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null) {
      boolean allowed = edge.originAllowed(origin);
      if (method == HttpMethod.OPTIONS) {
        preflight(request, origin, allowed);
        return;
      }
      if (!allowed) {
        // Refused before anything is read: a page's "simple" cross-origin POST never reaches a provider.
        error(response, new ApiException(403, "invalid_request_error", "origin_not_allowed", null,
            "Cross-origin requests from this origin are not allowed (list it in CORS_ORIGINS or "
                + "server.cors_origins)."));
        return;
      }
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
          .putHeader(HttpHeaders.VARY, "Origin")
          .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }
    if (HEALTH_ROUTES.contains(path)) {
      Buffer status = draining && READINESS_ROUTES.contains(path) ? DRAINING : HEALTHY;
      get(request, method, () -> json(response, status == DRAINING ? 503 : 200, status));
      return;
    }
    if (draining) {
      refuseAndClose(request, new ApiException(503, "api_error", "shutting_down", null,
          "The gateway is shutting down and takes no new requests; retry on another replica."));
      return;
    }
    if (!edge.hostAllowed(host(request))) {
      error(response, new ApiException(403, "invalid_request_error", "host_not_allowed", null,
          "The Host header names a host this gateway does not serve (list it in server.allowed_hosts)."));
      return;
    }
    String client = clientRate != null || auth != null ? clientAddress(request) : null;
    if (clientRate != null && !admitted(request, client)) {
      return;
    }
    if (auth != null && !authenticated(request, client)) {
      return;
    }
    switch (path) {
      case "/chat/completions" -> post(request, method, Operation.CHAT, requestId, start, call);
      case "/completions" -> post(request, method, Operation.COMPLETIONS, requestId, start, call);
      case "/embeddings" -> post(request, method, Operation.EMBEDDINGS, requestId, start, call);
      case "/models" -> get(request, method, () -> json(response, 200, modelList));
      case "/capabilities" -> get(request, method, () -> json(response, 200, capabilities));
      // Past the check above, a gateway with a master key has seen it; one without has no admin API.
      case AdminPluginsEndpoint.PATH -> get(request, method, () -> {
        if (auth == null) {
          error(response, AdminPluginsEndpoint.noMasterKey());
        } else {
          json(response, 200, adminPlugins.list());
        }
      });
      default -> {
        if (path.startsWith("/models/")) {
          get(request, method, () -> model(response, path.substring("/models/".length())));
        } else {
          error(response, ApiException.notFound("Unknown request URL: " + method.name() + " "
              + Texts.excerpt(request.path(), 200) + ". See the README for the routes Switchboard serves."));
        }
      }
    }
  }

  /**
   * Header fields, repeated names counted each time. {@code MultiMap.size()} counts distinct names, through a
   * sorted set built per call; walking the entries allocates nothing for the decoder's string entries.
   */
  static int headerFields(MultiMap headers) {
    int[] count = {0};
    headers.forEach((Map.Entry<String, String> e) -> count[0]++);
    return count[0];
  }

  /** The request's host name without its port; null when it named none. */
  private static String host(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    return authority == null ? null : authority.host();
  }

  /** The client's address: the peer's, or the one a trusted proxy names in X-Forwarded-For. */
  private String clientAddress(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    return proxies.client(peer, request.getHeader("x-forwarded-for"));
  }

  /** The per-address limiter ({@code RATE_LIMIT_RPS}): a 429 with {@code Retry-After} once its bucket is empty. */
  private boolean admitted(HttpServerRequest request, String address) {
    long wait = clientRate.acquire(address);
    if (wait == 0) {
      return true;
    }
    request.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(RequestExecutor.seconds(wait)));
    error(request.response(), new ApiException(429, "rate_limit_error", "rate_limit_exceeded", null,
        "Rate limit exceeded for this client address; retry after the time in the Retry-After header."));
    return false;
  }

  /**
   * Checks the client's key; on failure answers 401 (or 429 for an address that failed too often) and returns
   * false. No key is ever echoed, logged or compared in time that depends on it.
   */
  private boolean authenticated(HttpServerRequest request, String address) {
    HttpServerResponse response = request.response();
    long wait = throttle.retryAfterMillis(address);
    if (wait > 0) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(RequestExecutor.seconds(wait)));
      error(response, new ApiException(429, "requests", "too_many_failed_attempts", null,
          "Too many requests with a wrong API key from this address; retry later."));
      return false;
    }
    String apiKey = request.getHeader("x-api-key");
    ClientAuth.Verdict verdict = auth.check(request.getHeader(HttpHeaders.AUTHORIZATION),
        apiKey != null ? apiKey : request.getHeader("api-key"));
    if (verdict == ClientAuth.Verdict.ALLOWED) {
      return true;
    }
    if (verdict == ClientAuth.Verdict.INVALID) {
      throttle.failed(address);
    }
    response.putHeader("www-authenticate", "Bearer");
    error(response, new ApiException(401, "invalid_request_error", "invalid_api_key", null,
        verdict == ClientAuth.Verdict.MISSING
            ? "Missing API key: send it as 'Authorization: Bearer <key>' or in the x-api-key header."
            : "Incorrect API key provided."));
    return false;
  }

  /**
   * A CORS preflight: answered 204 whether or not the origin is allowed, with the {@code Access-Control-*}
   * headers only when it is, so the browser names the missing header (Ferro's behaviour).
   */
  private void preflight(HttpServerRequest request, String origin, boolean allowed) {
    HttpServerResponse response = request.response();
    if (allowed) {
      String asked = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS")
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, asked != null && Texts.isHeaderSafe(asked) ? asked
              : "authorization, content-type, x-api-key, x-request-id, x-switchboard-metadata")
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600");
    }
    response.putHeader(HttpHeaders.VARY, "Origin").setStatusCode(204).end();
  }

  /** Answers {@code e} and closes the connection once the answer is out (an unread body, a refused client). */
  private void refuseAndClose(HttpServerRequest request, ApiException e) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    HttpConnection connection = request.connection();
    if (request.version() != HttpVersion.HTTP_2) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, Headers.JSON)
        .end(Json.buffer(e.toJson()))
        .onComplete(ar -> {
          if (request.version() != HttpVersion.HTTP_2) {
            connection.close();
          }
        });
  }

  /** Routes are served with and without {@code /v1}, LiteLLM style; a trailing slash is ignored. */
  static String normalize(String path) {
    String p = path.startsWith("/v1/") ? path.substring(3) : path;
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  private void get(HttpServerRequest request, HttpMethod method, Runnable action) {
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      action.run();
    } else {
      methodNotAllowed(request, "GET");
    }
  }

  private void post(HttpServerRequest request, HttpMethod method, Operation operation, String requestId,
      long start, Call call) {
    if (method != HttpMethod.POST) {
      methodNotAllowed(request, "POST");
      return;
    }
    HttpServerResponse response = request.response();
    if (!EdgePolicy.isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
      // Only JSON: a browser can send text/plain or form bodies cross-origin without asking first.
      ApiException e = new ApiException(415, "invalid_request_error", "unsupported_media_type", null,
          "The request body must be JSON, sent with 'Content-Type: application/json'.");
      refuseAndClose(request, e);
      refused(request, operation, requestId, start, e);
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    long declared = -1;
    if (length != null) {
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = -1;
      }
    }
    if (declared > maxBodyBytes) {
      tooLarge(request);
      return;
    }
    BodyCollector body = new BodyCollector();
    boolean[] over = {false};
    LoopTimers.Timeout bodyTimer = LoopTimers.schedule(loop.owner(), limits.bodyTimeout().toMillis(), () -> {
      if (!over[0]) {
        over[0] = true;
        ApiException e = new ApiException(408, "invalid_request_error", "request_timeout", null,
            "The request body did not arrive within " + limits.bodyTimeout().toSeconds()
                + " s (server.body_timeout).");
        refuseAndClose(request, e);
        refused(request, operation, requestId, start, e);
      }
    });
    request.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > maxBodyBytes) {
        over[0] = true;
        bodyTimer.cancel();
        tooLarge(request);
        return;
      }
      body.add(chunk);
    });
    request.exceptionHandler(t -> {
      bodyTimer.cancel();  // the client left: nothing to answer, nothing to record
      LOG.debug("request {} body failed: {}", requestId, t.toString());
    });
    request.endHandler(v -> {
      bodyTimer.cancel();
      if (!over[0]) {
        over[0] = true;
        dispatch(request, response, operation, body.result(), requestId, start, call);
      }
    });
  }

  /** One request-log row for a request refused before the plugins could act. */
  private void refused(HttpServerRequest request, Operation operation, String requestId, long start,
      ApiException e) {
    if (!gateway.plugins().isEmpty()) {
      Exchange refused = new Exchange(requestId, operation, Json.object(), Map.of(), request.headers(),
          request.response().headers(), start);
      new Tracker(refused).failed(e.status(), e.toJson());
    }
  }

  private void dispatch(HttpServerRequest request, HttpServerResponse response, Operation operation, Buffer bytes,
      String requestId, long start, Call call) {
    PluginChain chain = gateway.plugins();
    ObjectNode body;
    Map<String, String> metadata;
    try {
      body = parseBody(bytes, operation);
      metadata = metadata(request.getHeader(Headers.METADATA));
      String user = request.getHeader(Exchange.USER_HEADER);
      if (user != null) {
        checkText(Exchange.USER_HEADER, user, MAX_USER_CHARS);  // it keys rate limits and budgets, and is logged
      }
    } catch (ApiException e) {
      error(response, e);
      refused(request, operation, requestId, start, e);
      return;
    }
    Cancellation cancellation = new Cancellation();
    response.closeHandler(v -> cancellation.cancel());
    Exchange exchange = new Exchange(requestId, operation, body, metadata, request.headers(), response.headers(),
        start);
    Tracker tracker = chain.isEmpty() ? null : new Tracker(exchange);
    call.started(cancellation, tracker);
    chain.run(exchange, ex -> routeAndExecute(ex, bytes, cancellation, tracker))
        .onComplete(onLoop(ar -> {
          if (ar.succeeded()) {
            respond(response, ar.result(), cancellation.isCancelled(), tracker, call);
          } else {
            fail(response, ar.cause(), requestId, tracker);
          }
        }));
  }

  /**
   * {@code handler}, run on this handler's event loop. The server runs in strict thread mode, which refuses a
   * write from any other thread, and an answer can complete elsewhere (a Redis reply on another loop's
   * connection, a plugin's worker): those events hop back first. On the loop, the common case, it runs at once.
   */
  private <T> Handler<T> onLoop(Handler<T> handler) {
    return event -> {
      if (loop.inThread()) {
        handler.handle(event);
      } else {
        loop.runOnContext(v -> handler.handle(event));
      }
    };
  }

  /**
   * The end of the plugin chain: choose the targets for the (possibly rewritten) body, and run them.
   * The client's original bytes are forwarded unless a plugin may have changed the body or usage is asked for.
   */
  private Future<Outcome> routeAndExecute(Exchange exchange, Buffer originalBytes, Cancellation cancellation,
      Tracker tracker) {
    ObjectNode body = exchange.body();
    String requestId = exchange.requestId();
    String model = body.path("model").asText();
    boolean stream = body.path("stream").asBoolean(false);
    List<Candidate> plan;
    String routedModel;
    try {
      RequestFacts facts = RequestFacts.of(model, gateway.router().resolveAlias(model), body, exchange.metadata());
      routedModel = facts.model();
      plan = gateway.router().route(model, exchange.operation(),
          new RoutingContext(facts, gateway.stats(), ThreadLocalRandom.current()));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    if (plan.getFirst().variant() != null) {
      LOG.info("request {} ab-test variant {}", requestId, plan.getFirst().variant());
    }
    boolean askUsage = tracker != null && stream && exchange.operation() == Operation.CHAT
        && gateway.plugins().needsAnswer() && !body.path("stream_options").path("include_usage").asBoolean(false);
    if (askUsage) {
      // Plugins count tokens (budgets, limits, the log): a stream must report them even when the client did
      // not ask; the usage chunk is taken out again on the way back.
      JsonNode options = body.get("stream_options");
      (options instanceof ObjectNode o ? o : body.putObject("stream_options")).put("include_usage", true);
    }
    Buffer bytes = tracker == null || !askUsage && !gateway.plugins().rewritesRequests() ? originalBytes : null;
    Future<Outcome> outcome = gateway.executor().execute(exchange.operation(), plan, routedModel,
        c -> new UpstreamRequest(body, bytes, c.upstreamModel(), stream, requestId, cancellation, askUsage),
        cancellation::isCancelled, requestId);
    if (tracker != null) {
      outcome = outcome.map(o -> {
        tracker.served(o.served(), o.attempts());
        tracker.askedUsage = askUsage;
        return o;
      });
    }
    return outcome;
  }

  /** The {@code x-switchboard-metadata} header: a JSON object of strings, for routing conditions. */
  static Map<String, String> metadata(String header) {
    if (header == null || header.isBlank()) {
      return Map.of();
    }
    JsonNode node = Json.parseOrNull(Buffer.buffer(header));
    if (node == null || !node.isObject()) {
      throw ApiException.invalidRequest(null, "invalid_metadata",
          "The x-switchboard-metadata header must be a JSON object.");
    }
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
        : e.getValue().toString()));
    for (Map.Entry<String, String> e : out.entrySet()) {
      // Metadata reaches routing conditions, log rows and lines: no control character may ride along.
      if (Texts.firstControl(e.getKey()) >= 0 || Texts.firstControl(e.getValue()) >= 0) {
        throw ApiException.invalidRequest(null, "invalid_metadata",
            "The x-switchboard-metadata header has a control character in the entry '"
                + Texts.excerpt(Texts.printable(e.getKey()), 64) + "'.");
      }
    }
    return out;
  }

  /** Parses and checks what every operation needs; anything else is the upstream's to judge. */
  static ObjectNode parseBody(Buffer bytes, Operation operation) {
    JsonNode node;
    try {
      node = Json.parse(bytes);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      String reason = jsonProblem(e);
      throw ApiException.invalidRequest(null, "invalid_json",
          "The request body is not valid JSON: " + reason + where + ".");
    } catch (IOException e) {
      throw ApiException.invalidRequest(null, "invalid_json", "The request body could not be read.");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.invalidRequest(null, "invalid_json", "The request body must be a JSON object.");
    }
    ObjectNode body = (ObjectNode) node;
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw ApiException.invalidRequest("model", "missing_required_parameter",
          "Missing required parameter: 'model'.");
    }
    if (!model.isTextual() || model.asText().isBlank()) {
      throw ApiException.invalidRequest("model", "invalid_type", "'model' must be a non-empty string.");
    }
    checkText("model", model.asText(), MAX_MODEL_CHARS);
    JsonNode user = body.get("user");
    if (user != null && user.isTextual()) {
      checkText("user", user.asText(), MAX_USER_CHARS);
    }
    JsonNode stream = body.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      throw ApiException.invalidRequest("stream", "invalid_type", "'stream' must be a boolean.");
    }
    String field = operation.requiredField();
    JsonNode required = body.get(field);
    if (required == null || required.isNull()) {
      throw ApiException.invalidRequest(field, "missing_required_parameter",
          "Missing required parameter: '" + field + "'.");
    }
    if (operation == Operation.CHAT) {
      if (!required.isArray() || required.isEmpty()) {
        throw ApiException.invalidRequest("messages", "invalid_value", "'messages' must be a non-empty array.");
      }
      for (int i = 0; i < required.size(); i++) {
        JsonNode m = required.get(i);
        if (!m.isObject() || !m.path("role").isTextual()) {
          throw ApiException.invalidRequest("messages[" + i + "]", "invalid_value",
              "messages[" + i + "] must be an object with a 'role'.");
        }
      }
    }
    return body;
  }

  /**
   * A string that reaches upstream headers, URLs, response headers and log lines: printable and bounded, checked
   * before any upstream is called (a newline in a model name once cost a billed call and then a hung request).
   */
  static void checkText(String param, String value, int maxChars) {
    int control = Texts.firstControl(value);
    if (control >= 0) {
      throw ApiException.invalidRequest(param, "invalid_value", "'" + param + "' contains a control character ("
          + String.format("U+%04X", (int) value.charAt(control)) + " at index " + control + ").");
    }
    if (value.length() > maxChars) {
      throw ApiException.invalidRequest(param, "string_above_max_length", "'" + param + "' is "
          + value.length() + " characters long, more than the limit of " + maxChars + ".");
    }
  }

  /** Jackson's account of a syntax error, without its internals (class names, source excerpts). */
  static String jsonProblem(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      return "it exceeds a parser limit: " + e.getOriginalMessage().replaceAll(",\\s*from `[^`]*`", "")
          .replace('\n', ' ');
    }
    String reason = e.getOriginalMessage()
        .replaceAll("\\s*\\(start marker at .*\\)", "")
        .replaceAll("`?(com\\.fasterxml|java\\.)[\\w.$]+`?", "value")
        .replace('\n', ' ');
    return Texts.excerpt(Texts.printable(reason), 300);
  }

  private void respond(HttpServerResponse response, Outcome outcome, boolean clientGone, Tracker tracker,
      Call call) {
    UpstreamResponse upstream = outcome.response();
    if (clientGone || response.closed()) {
      if (upstream instanceof UpstreamResponse.Streaming s) {
        s.stream().cancel();
      }
      if (tracker != null) {
        tracker.clientGone();
      }
      return;
    }
    MultiMap headers = response.headers();
    if (outcome.served() != null) {  // null: answered by a plugin (a cache hit)
      routingHeaders(headers, outcome.served(), outcome.attempts());
    }
    if (upstream.upstreamRequestId() != null) {
      headers.set(Headers.UPSTREAM_REQUEST_ID, Texts.headerValue(upstream.upstreamRequestId()));
    }
    switch (upstream) {
      case UpstreamResponse.Complete c -> {
        json(response, 200, c.body());
        if (tracker != null) {
          tracker.completed(c.body());
        }
      }
      case UpstreamResponse.Streaming s -> {
        call.stream = s.stream();
        relay(response, s.stream(), tracker);
      }
    }
  }

  private void relay(HttpServerResponse response, UpstreamStream stream, Tracker tracker) {
    response.setStatusCode(200)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no")
        .setChunked(true);
    response.closeHandler(v -> {
      stream.cancel();
      if (tracker != null) {
        tracker.clientGone();
      }
    });
    if (tracker != null) {
      tracker.watch(stream);
    }
    Buffer first = stream.first();
    if (tracker != null) {
      tracker.streamData(first);
    }
    if (first.length() > 0) {
      response.write(first);
    } else {
      response.writeHead();  // a plugin holds the first bytes back; the client still gets its headers now
    }
    // A stream's events come from its source's thread: this loop for an upstream call (the verticle's own
    // client), possibly another for a stream a plugin replays; onLoop keeps the writes here either way.
    stream.start(
        onLoop(data -> {
          if (tracker != null) {
            tracker.streamData(data);
          }
          response.write(data);
          if (response.writeQueueFull()) {
            stream.pause();
            response.drainHandler(v -> stream.resume());
          }
        }),
        onLoop(end -> {
          if (tracker != null) {
            tracker.streamEnded(null);  // first: over HTTP/2, ending the response runs its close handler at once
          }
          response.end();
        }),
        onLoop(error -> {
          ObjectNode body = error instanceof StreamFailure f ? f.errorBody()
              : OpenAiErrors.body("The upstream stream failed: " + describe(error), "api_error", null,
                  "upstream_stream_error");
          if (tracker != null) {
            tracker.streamEnded(body);
          }
          if (!response.closed() && !response.ended()) {
            response.write(SseEncoder.data(Json.string(body)));
            response.end();
          }
        }));
  }

  private void fail(HttpServerResponse response, Throwable cause, String requestId, Tracker tracker) {
    int status;
    ObjectNode body;
    switch (cause) {
      case ApiException e -> {
        status = e.status();
        body = e.toJson();
      }
      case Refused e -> {
        if (e.retryAfter() != null) {
          response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(RequestExecutor.seconds(e.retryAfter().toMillis())));
        }
        status = e.error().status();
        body = e.error().toJson();
      }
      case Exhausted e -> {
        routingHeaders(response.headers(), e.candidate(), e.attempts());
        if (tracker != null) {
          tracker.served(e.candidate(), e.attempts());
        }
        UpstreamException last = e.last();
        if (last.status() == 429 && last.retryAfter() != null) {
          response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(RequestExecutor.seconds(last.retryAfter().toMillis())));
        }
        status = last.status();
        body = last.errorBody();
      }
      case UpstreamException e -> {
        status = e.status();
        body = e.errorBody();
      }
      default -> {
        LOG.error("request {} failed inside the gateway", requestId, cause);
        ApiException internal = ApiException.internal("The gateway failed to handle this request (request id "
            + requestId + ").");
        status = internal.status();
        body = internal.toJson();
      }
    }
    send(response, status, Json.buffer(body));
    if (tracker != null) {
      tracker.failed(status, body);
    }
  }

  /** Values from the config and the request, made header-safe: a header that cannot be set must not hang a request. */
  private static void routingHeaders(MultiMap headers, Candidate served, int attempts) {
    headers.set(Headers.PROVIDER, Texts.headerValue(served.provider().type().configName()));
    headers.set(Headers.TARGET, Texts.headerValue(served.target().id()));
    headers.set(Headers.MODEL, Texts.headerValue(served.upstreamModel()));
    headers.set(Headers.ATTEMPTS, Integer.toString(attempts));
    if (served.variant() != null) {
      headers.set(Headers.VARIANT, Texts.headerValue(served.variant()));
    }
  }

  private void model(HttpServerResponse response, String id) {
    for (JsonNode m : models.get("data")) {
      if (m.path("id").asText().equals(id)) {
        json(response, 200, Json.buffer(m));
        return;
      }
    }
    error(response, ApiException.modelNotFound(id));
  }

  /**
   * {@code GET /v1/capabilities}: per provider, how each common chat parameter reaches it (forward, translate,
   * unsupported), and the image response formats of providers that generate images (none yet).
   */
  static ObjectNode capabilities(Gateway gateway) {
    ObjectNode out = Json.object();
    out.putObject("image_response_formats");
    ObjectNode providers = out.putObject("providers");
    new TreeMap<>(gateway.providers()).forEach((key, provider) -> {
      if (provider instanceof ChatProvider chat) {
        ObjectNode table = providers.putObject(key);
        chat.parameters().forEach((param, support) -> table.put(param, support.wireName()));
      }
    });
    return out;
  }

  private static ObjectNode modelList(Gateway gateway) {
    ObjectNode list = Json.object().put("object", "list");
    ArrayNode data = list.putArray("data");
    for (ModelRouter.ListedModel m : gateway.router().listedModels()) {
      ObjectNode entry = data.addObject().put("id", m.id()).put("object", "model").put("created", 0)
          .put("owned_by", m.ownedBy());
      if (m.info() == null) {
        // Not described by its provider: shape kept, nothing claimed.
        entry.putNull("context_window");
        entry.putNull("capabilities");
        continue;
      }
      if (m.info().contextWindow() > 0) {
        entry.put("context_window", m.info().contextWindow());
      } else {
        entry.putNull("context_window");
      }
      Set<ModelInfo.Capability> caps = m.info().capabilities();
      entry.putObject("capabilities")
          .put("chat", caps.contains(ModelInfo.Capability.CHAT))
          .put("streaming", caps.contains(ModelInfo.Capability.STREAMING))
          .put("tools", caps.contains(ModelInfo.Capability.TOOLS))
          .put("vision", caps.contains(ModelInfo.Capability.VISION))
          .put("embeddings", caps.contains(ModelInfo.Capability.EMBEDDINGS));
    }
    return list;
  }

  private void methodNotAllowed(HttpServerRequest request, String allowed) {
    request.response().putHeader("allow", allowed);
    error(request.response(), new ApiException(405, "invalid_request_error", "method_not_allowed", null,
        request.method().name() + " is not allowed on " + request.path() + " (expected: " + allowed + ")."));
  }

  private void tooLarge(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      return;
    }
    // HTTP/1 cannot reuse a connection whose request body was not read; HTTP/2 just drops the stream.
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    if (http1) {
      response.putHeader("connection", "close");
    }
    error(response, new ApiException(413, "invalid_request_error", "request_too_large", null,
        "The request body is larger than the limit of " + maxBodyBytes + " bytes."));
    if (!http1) {
      return;
    }
    // Read and discard the rest so the client sees the answer rather than a broken pipe, within reason.
    long[] drained = {0};
    request.handler(chunk -> {
      drained[0] += chunk.length();
      if (drained[0] > MAX_DRAIN_BYTES) {
        request.connection().close();
      }
    });
    request.endHandler(v -> request.connection().close());
  }

  private static void error(HttpServerResponse response, ApiException e) {
    send(response, e.status(), Json.buffer(e.toJson()));
  }

  private static void json(HttpServerResponse response, int status, Buffer body) {
    send(response, status, body);
  }

  private static void send(HttpServerResponse response, int status, Buffer body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Headers.JSON).end(body);
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /**
   * What the plugins hear when a request is over ({@link Plugin#onFinish}): built only when there are
   * plugins, so the plain request path pays nothing. Reports once, however the request ends.
   */
  private final class Tracker {
    private final Exchange exchange;
    private Candidate served;
    private int attempts;
    private boolean askedUsage;  // the gateway asked the upstream for usage the client did not want
    private ChatStreamTap tap;
    private long firstByteNanos = -1;
    private boolean reported;

    Tracker(Exchange exchange) {
      this.exchange = exchange;
    }

    void served(Candidate candidate, int attempts) {
      this.served = candidate;
      this.attempts = attempts;
    }

    void completed(Buffer body) {
      report(200, false, null, body, null);
    }

    void failed(int status, ObjectNode body) {
      report(status, false, null, null, errorOf(body));
    }

    /**
     * Reads the stream the client gets, when plugins need the answer: last in the chain, after every plugin's
     * transformer, and one reading for both the answer and the usage chunk taken out again.
     */
    void watch(UpstreamStream stream) {
      if (gateway.plugins().needsAnswer() && exchange.operation() == Operation.CHAT) {
        tap = new ChatStreamTap(askedUsage);
        stream.through(tap);
      }
    }

    void streamData(Buffer data) {
      if (data.length() > 0 && !reported && firstByteNanos < 0) {
        firstByteNanos = System.nanoTime();
      }
    }

    void streamEnded(ObjectNode errorBody) {
      // No answer when nothing reached the client (an upstream that failed at once, a plugin holding all back).
      ObjectNode completion = tap == null || firstByteNanos < 0 ? null : tap.completion();
      report(200, true, completion, null, errorBody == null ? null : errorOf(errorBody));
    }

    /** The shutdown deadline ended this request: a 503, whatever had reached the client. */
    void cut(ObjectNode body) {
      report(503, exchange.stream(), null, null, errorOf(body));
    }

    void clientGone() {
      if (!reported) {
        report(Finish.CLIENT_CLOSED, exchange.stream(), null, null, errorOf(OpenAiErrors.body(
            "The client closed the connection before the answer was complete.", "client_closed", null, null)));
      }
    }

    private void report(int status, boolean stream, ObjectNode response, Buffer responseBytes, ObjectNode error) {
      if (reported) {
        return;
      }
      reported = true;
      long now = System.nanoTime();
      Finish finish = new Finish(status, stream,
          served == null ? null : served.provider().type().configName(),
          served == null ? null : served.target().id(),
          served == null ? null : served.upstreamModel(),
          attempts, now - exchange.startNanos(), firstByteNanos < 0 ? -1 : firstByteNanos - exchange.startNanos(),
          response, responseBytes, error, gateway.config().prices());
      gateway.plugins().finish(exchange, finish);
    }

    private static ObjectNode errorOf(ObjectNode body) {
      JsonNode error = body == null ? null : body.get("error");
      return error instanceof ObjectNode o ? o : body;
    }
  }

  /** One request in flight on this loop, as the shutdown deadline needs it: enough to end it and record why. */
  private final class Call {
    private final HttpServerResponse response;
    private Cancellation cancellation;
    private Tracker tracker;
    private UpstreamStream stream;

    Call(HttpServerResponse response) {
      this.response = response;
    }

    void started(Cancellation cancellation, Tracker tracker) {
      this.cancellation = cancellation;
      this.tracker = tracker;
    }

    /** Answers or ends the request first, records it, then cancels its upstream call. */
    void cut() {
      ObjectNode body = OpenAiErrors.body("The gateway is shutting down and could not finish this request in time.",
          "api_error", null, "shutting_down");
      if (tracker != null) {
        tracker.cut(body);
      }
      if (!response.headWritten()) {
        response.putHeader(HttpHeaders.CONNECTION, "close");
        send(response, 503, Json.buffer(body));
      } else if (!response.ended() && !response.closed()) {
        if (stream != null) {
          response.write(SseEncoder.data(Json.string(body)));
        }
        response.end();
      }
      if (stream != null) {
        stream.cancel();
      }
      if (cancellation != null) {
        cancellation.cancel();
      }
    }
  }

  /** The client's id when it is a sane token, else a fresh one. */
  static String requestId(String given) {
    if (given != null && !given.isEmpty() && given.length() <= 200 && given.chars().allMatch(c -> c > 32 && c < 127)) {
      return given;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}
