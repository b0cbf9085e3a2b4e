package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code observability:} block as the reference gateway writes it: OpenTelemetry tracing and plugin
 * exporters. Header and exporter config values keep their {@code ${VAR}} references (resolved when built).
 */
public record ObservabilityConfig(Tracing tracing, List<Exporter> exporters) {
  public static final ObservabilityConfig NONE = new ObservabilityConfig(Tracing.OFF, List.of());

  public ObservabilityConfig {
    exporters = List.copyOf(exporters);
  }

  public enum Protocol { GRPC, HTTP_PROTOBUF }

  public enum Privacy { NONE, METADATA, FULL }

  /**
   * {@code exports}: whether spans would leave the process. Tracing switched on with no endpoint here and no
   * {@code OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT} exports nothing (the reference runs a no-op provider then).
   */
  public record Tracing(boolean enabled, String endpoint, Protocol protocol, String serviceName, double sampleRatio,
      Privacy privacy, Duration shutdownGrace, Map<String, String> headers, boolean exports) {
    public static final Tracing OFF = new Tracing(false, "", Protocol.GRPC, "switchboard", 1.0, Privacy.METADATA,
        Duration.ofSeconds(10), Map.of(), false);

    public Tracing {
      headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
      return "Tracing[enabled=" + enabled + ", protocol=" + protocol + ", serviceName=" + serviceName
          + ", sampleRatio=" + sampleRatio + ", privacy=" + privacy + ", headers=" + headers.keySet()
          + ", exports=" + exports + "]";
    }
  }

  /** A named exporter factory and its config, left for the exporter to read. */
  public record Exporter(String name, boolean enabled, JsonNode config) {
    @Override
    public String toString() {
      return "Exporter[name=" + name + ", enabled=" + enabled + "]";
    }
  }
}
