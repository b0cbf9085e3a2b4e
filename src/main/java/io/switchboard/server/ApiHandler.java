package io.switchboard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.BodyCollector;
import io.switchboard.api.Json;
import io.switchboard.api.OpenAiErrors;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Finish;
import io.switchboard.plugin.Plugin;
import io.switchboard.plugin.PluginChain;
import io.switchboard.provider.Cancellation;
import io.switchboard.provider.ModelInfo;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamException;
import io.switchboard.provider.UpstreamRequest;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.provider.UpstreamStream;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.ModelRouter;
import io.switchboard.routing.RequestFacts;
import io.switchboard.routing.RoutingContext;
import io.switchboard.routing.RequestExecutor;
import io.switchboard.routing.RequestExecutor.Exhausted;
import io.switchboard.routing.RequestExecutor.Refused;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.switchboard.stream.ChatStreamTap;
import io.switchboard.stream.SseEncoder;
import io.switchboard.stream.StreamFailure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  private final Gateway gateway;
  private final ContextInternal loop;
  private final long maxBodyBytes;
  private int inFlight;  // this event loop's requests between arrival and the end of their answer
  private boolean draining;
  private final ObjectNode models;
  private final Buffer modelList;

  /** {@code loop}: the context of the verticle whose server this handler serves; its answers are written there. */
  ApiHandler(Gateway gateway, ContextInternal loop) {
    this.gateway = gateway;
    this.loop = loop;
    this.maxBodyBytes = gateway.config().server().maxBodyBytes();
    this.models = modelList(gateway);
    this.modelList = Json.buffer(models);
  }

  /** Requests of this handler still being answered; read on its event loop. */
  int inFlight() {
    return inFlight;
  }

  /** From now on every answer closes its connection, so clients move to another replica. */
  void drain() {
    draining = true;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
    HttpServerResponse response = request.response();
    inFlight++;
    boolean[] counted = {true};
    Handler<Object> done = x -> {
      if (counted[0]) {
        counted[0] = false;
        inFlight--;
      }
    };
    response.endHandler(done::handle);
    response.exceptionHandler(done::handle);
    if (draining) {
      response.putHeader("connection", "close");
    }
    String requestId = requestId(request.getHeader("x-request-id"));
    response.putHeader(Headers.REQUEST_ID, requestId);
    String path = normalize(request.path());
    HttpMethod method = request.method();
    switch (path) {
      case "/chat/completions" -> post(request, method, Operation.CHAT, requestId, start);
      case "/completions" -> post(request, method, Operation.COMPLETIONS, requestId, start);
      case "/embeddings" -> post(request, method, Operation.EMBEDDINGS, requestId, start);
      case "/models" -> get(request, method, () -> json(response, 200, modelList));
      case "/health", "/livez", "/readyz", "/health/liveliness", "/health/readiness" ->
          get(request, method, () -> json(response, 200, HEALTHY));
      default -> {
        if (path.startsWith("/models/")) {
          get(request, method, () -> model(response, path.substring("/models/".length())));
        } else {
          error(response, ApiException.notFound("Unknown request URL: " + method.name() + " " + request.path()
              + ". See the README for the routes Switchboard serves."));
        }
      }
    }
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
      long start) {
    if (method != HttpMethod.POST) {
      methodNotAllowed(request, "POST");
      return;
    }
    HttpServerResponse response = request.response();
    String length = request.getHeader("content-length");
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
    BodyCollector body = new BodyCollector(declared > 0 ? (int) declared : 0);
    boolean[] over = {false};
    request.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > maxBodyBytes) {
        over[0] = true;
        tooLarge(request);
        return;
      }
      body.add(chunk);
    });
    request.exceptionHandler(t -> LOG.debug("request {} body failed: {}", requestId, t.toString()));
    request.endHandler(v -> {
      if (!over[0]) {
        dispatch(request, response, operation, body.result(), requestId, start);
      }
    });
  }

  private void dispatch(HttpServerRequest request, HttpServerResponse response, Operation operation, Buffer bytes,
      String requestId, long start) {
    PluginChain chain = gateway.plugins();
    ObjectNode body;
    Map<String, String> metadata;
    try {
      body = parseBody(bytes, operation);
      metadata = metadata(request.getHeader(Headers.METADATA));
    } catch (ApiException e) {
      error(response, e);
      if (!chain.isEmpty()) {
        // Still one row in the request log: the plugins hear of requests refused before they could act.
        Exchange refused = new Exchange(requestId, operation, Json.object(), Map.of(), request.headers(),
            response.headers(), start);
        new Tracker(refused).failed(e.status(), e.toJson());
      }
      return;
    }
    Cancellation cancellation = new Cancellation();
    response.closeHandler(v -> cancellation.cancel());
    Exchange exchange = new Exchange(requestId, operation, body, metadata, request.headers(), response.headers(),
        start);
    Tracker tracker = chain.isEmpty() ? null : new Tracker(exchange);
    chain.run(exchange, ex -> routeAndExecute(ex, bytes, cancellation, tracker))
        .onComplete(onLoop(ar -> {
          if (ar.succeeded()) {
            respond(response, ar.result(), cancellation.isCancelled(), tracker);
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
    Map<String, String> out = new java.util.LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
        : e.getValue().toString()));
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
      String reason = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*\\)", "").replace('\n', ' ');
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

  private void respond(HttpServerResponse response, Outcome outcome, boolean clientGone, Tracker tracker) {
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
      headers.set(Headers.UPSTREAM_REQUEST_ID, upstream.upstreamRequestId());
    }
    switch (upstream) {
      case UpstreamResponse.Complete c -> {
        json(response, 200, c.body());
        if (tracker != null) {
          tracker.completed(c.body());
        }
      }
      case UpstreamResponse.Streaming s -> relay(response, s.stream(), tracker);
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
          if (!response.closed()) {
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

  private static void routingHeaders(MultiMap headers, Candidate served, int attempts) {
    headers.set(Headers.PROVIDER, served.provider().type().configName());
    headers.set(Headers.TARGET, served.target().id());
    headers.set(Headers.MODEL, served.upstreamModel());
    headers.set(Headers.ATTEMPTS, Integer.toString(attempts));
    if (served.variant() != null) {
      headers.set(Headers.VARIANT, served.variant());
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

  /** The client's id when it is a sane token, else a fresh one. */
  static String requestId(String given) {
    if (given != null && !given.isEmpty() && given.length() <= 200 && given.chars().allMatch(c -> c > 32 && c < 127)) {
      return given;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}
