package io.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Json;
import java.io.IOException;

/** {@code switchboard status}: a running gateway's liveness ({@code /health}) and readiness ({@code /readyz}). */
final class StatusCommand implements Command {
  @Override
  public String name() {
    return "status";
  }

  @Override
  public String summary() {
    return "Check the health of a running gateway";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard status [--gateway-url URL]
        Reads the gateway's /health and /readyz and prints what they say.
          --gateway-url URL   the gateway (env: FERROGW_URL; default: http://localhost:8080)
        Exit status: 0 healthy and ready, 1 unreachable, unhealthy or not ready (draining), 2 bad arguments.""";
  }

  @Override
  public Args.Spec flags() {
    // --api-key and --format are Ferro's global flags; status needs neither, but accepts the key.
    return Args.Spec.of(Args.GATEWAY_URL, Args.API_KEY);
  }

  @Override
  public int run(Args args, Io io) {
    args.positionals(0, "no arguments");
    GatewayClient gateway = GatewayClient.of(args, io);
    GatewayClient.Answer health;
    try {
      health = gateway.get("/health");
    } catch (IOException e) {
      io.error("gateway unreachable at " + gateway.baseUrl() + ": " + e.getMessage());
      return 1;
    }
    boolean healthy = health.status() == 200;
    io.out().println("  " + (healthy ? "[OK]" : "[X] ") + " " + gateway.baseUrl() + " -- "
        + (healthy ? "healthy" : "unhealthy: /health answered HTTP " + health.status()) + " (" + health.millis()
        + " ms)");
    JsonNode body = parse(health.body());
    if (body.path("version").isTextual()) {
      io.out().println("  Version: " + body.path("version").asText());
    }
    GatewayClient.Answer ready;
    try {
      ready = gateway.get("/readyz");
    } catch (IOException e) {
      io.out().println("  [X]  not ready: /readyz: " + e.getMessage());
      return 1;
    }
    String said = parse(ready.body()).path("status").asText("");
    boolean isReady = ready.status() == 200;
    io.out().println("  " + (isReady ? "[OK]" : "[X] ") + " " + (isReady ? "ready" : "not ready") + " (/readyz: HTTP "
        + ready.status() + (said.isEmpty() ? "" : ", " + said) + ")");
    return healthy && isReady ? 0 : 1;
  }

  private static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException | RuntimeException e) {
      return Json.MAPPER.missingNode();
    }
  }
}
