package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.config.ObservabilityConfig.Exporter;
import io.switchboard.config.ObservabilityConfig.Privacy;
import io.switchboard.config.ObservabilityConfig.Protocol;
import io.switchboard.config.ObservabilityConfig.Tracing;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code observability:} block. Stricter than the reference, which starts with an endpoint it cannot use, a
 * ratio above 1 or an unknown protocol and exports nothing: here each is a problem naming the field.
 */
record ObservabilityReader(NodeReader r, Map<String, String> env) {
  private static final Set<String> KEYS = Set.of("tracing", "exporters");
  private static final Set<String> TRACING_KEYS = Set.of("enabled", "endpoint", "protocol", "service_name",
      "sample_ratio", "privacy_level", "shutdown_grace", "headers");
  private static final Set<String> EXPORTER_KEYS = Set.of("name", "enabled", "config");
  /** The only OTEL_* variables read, as in the reference: either one switches tracing on. */
  static final List<String> ENDPOINT_VARIABLES = List.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
      "OTEL_EXPORTER_OTLP_ENDPOINT");

  ObservabilityConfig read(JsonNode node) {
    boolean fromEnv = ENDPOINT_VARIABLES.stream().anyMatch(v -> env.get(v) != null && !env.get(v).isBlank());
    if (!r.isObject(node, "observability")) {
      return fromEnv ? new ObservabilityConfig(withEnvironment(Tracing.OFF), List.of()) : ObservabilityConfig.NONE;
    }
    r.onlyKeys(node, "observability", KEYS);
    Tracing tracing = tracing(node.get("tracing"), fromEnv);
    return new ObservabilityConfig(tracing, exporters(node.get("exporters")));
  }

  private static Tracing withEnvironment(Tracing t) {
    return new Tracing(true, t.endpoint(), t.protocol(), t.serviceName(), t.sampleRatio(), t.privacy(),
        t.shutdownGrace(), t.headers(), true);
  }

  private Tracing tracing(JsonNode node, boolean fromEnv) {
    String path = "observability.tracing";
    if (!r.isObject(node, path)) {
      return fromEnv ? withEnvironment(Tracing.OFF) : Tracing.OFF;
    }
    r.onlyKeys(node, path, TRACING_KEYS);
    boolean enabled = r.bool(node, "enabled", path, false);
    String endpoint = r.string(node, "endpoint", path, false);
    endpoint = endpoint == null ? "" : endpoint.strip();
    if (!endpoint.isEmpty()) {
      checkEndpoint(endpoint, path + ".endpoint");
    }
    Protocol protocol = Protocol.GRPC;
    String p = r.string(node, "protocol", path, false);
    if (p != null) {
      switch (p) {
        case "grpc" -> protocol = Protocol.GRPC;
        case "http/protobuf", "http" -> protocol = Protocol.HTTP_PROTOBUF;
        default -> r.problem(path + ".protocol", "is not an OTLP protocol (expected: grpc, http/protobuf)");
      }
    }
    String service = r.string(node, "service_name", path, false);
    Double ratio = r.number(node, "sample_ratio", path, 1.0, 0.0);
    if (ratio != null && ratio > 1.0) {
      r.problem(path + ".sample_ratio", ratio + " is out of range (expected: 0 to 1)");
      ratio = 1.0;
    }
    Privacy privacy = Privacy.METADATA;
    String level = r.string(node, "privacy_level", path, false);
    if (level != null) {
      switch (level) {
        case "none" -> privacy = Privacy.NONE;
        case "metadata" -> privacy = Privacy.METADATA;
        case "full" -> privacy = Privacy.FULL;
        default -> r.problem(path + ".privacy_level", "\"" + level + "\" is not a privacy level "
            + "(expected: none, metadata, full)");
      }
    }
    Duration grace = r.duration(node, "shutdown_grace", path, Duration.ofSeconds(10));
    Map<String, String> headers = r.stringMap(node, "headers", path);
    boolean on = enabled || fromEnv;
    return new Tracing(on, endpoint, protocol, service == null || service.isBlank() ? "switchboard" : service,
        ratio == null ? 1.0 : ratio, privacy, grace, headers, on && (fromEnv || !endpoint.isEmpty()));
  }

  /** A URL or a bare host:port (plaintext); not echoed, as it may carry a credential. */
  private void checkEndpoint(String endpoint, String path) {
    String control = HttpText.urlProblem(endpoint);
    if (control != null) {
      r.problem(path, control);
      return;
    }
    String candidate = endpoint.contains("://") ? endpoint : "http://" + endpoint;
    try {
      URI uri = new URI(candidate);
      String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        r.problem(path, "is not an OTLP endpoint (expected: a URL such as http://collector:4318, or host:port)");
      }
    } catch (URISyntaxException e) {
      r.problem(path, "is not an OTLP endpoint (expected: a URL such as http://collector:4318, or host:port)");
    }
  }

  private List<Exporter> exporters(JsonNode list) {
    List<Exporter> out = new ArrayList<>();
    if (!r.isArray(list, "observability.exporters")) {
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String path = "observability.exporters[" + i + "]";
      JsonNode node = list.get(i);
      if (!r.isObject(node, path)) {
        continue;
      }
      r.onlyKeys(node, path, EXPORTER_KEYS);
      String name = r.string(node, "name", path, true);
      boolean enabled = r.bool(node, "enabled", path, true);
      JsonNode config = node.get("config");
      if (config != null && !config.isNull() && !config.isObject()) {
        r.problem(path + ".config", "expected an object, got " + NodeReader.describe(config));
      }
      if (name != null) {
        out.add(new Exporter(name, enabled, config == null || !config.isObject()
            ? JsonNodeFactory.instance.objectNode() : config));
      }
    }
    return out;
  }
}
