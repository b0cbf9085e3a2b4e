package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import io.switchboard.routing.Candidate;
import io.switchboard.routing.LocalTargetStats;
import io.switchboard.routing.RequestFacts;
import io.switchboard.routing.RoutingContext;
import io.switchboard.routing.RoutingStrategy;
import io.switchboard.routing.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of choosing the order of targets, per strategy, for 2 and 8 eligible targets: one
 * {@code order(...)} call as the request path makes it (context built per request, shared stats).
 * The prompt is about 470 characters and no rule matches, so content-based scans all of it. Run with
 * bench/jmh.sh; not part of the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StrategyBenchmark {
  static final List<String> MODELS = List.of("gpt-4o", "gpt-4o-mini", "claude-3-5-haiku-20241022",
      "claude-sonnet-4-5", "gpt-4.1-mini", "o4-mini", "unpriced-local", "gpt-4.1-nano");

  @Param({"single", "fallback", "loadbalance", "least-latency", "least-busy", "cost-optimized", "conditional",
      "content-based", "content-based-no-regex", "ab-test"})
  public String mode;

  @Param({"2", "8"})
  public int targets;

  RoutingStrategy strategy;
  List<Candidate> eligible;
  LocalTargetStats stats;
  ObjectNode body;

  @Setup(Level.Trial)
  public void setup() {
    StringBuilder yaml = new StringBuilder("providers:\n");
    for (int i = 0; i < targets; i++) {
      yaml.append("  - {key: t").append(i).append(", provider: mock}\n");
    }
    String configMode = mode.equals("content-based-no-regex") ? "content-based" : mode;
    yaml.append("strategy:\n  mode: ").append(configMode).append('\n').append(switch (mode) {
      case "conditional" -> """
            conditions:
              - query: {metadata.tier: pro, params.temperature: {$lt: 0.5}}
                then: t0
              - query: {$or: [{model: {$prefix: "claude-"}}, {user: {$in: [alice, bob]}}]}
                then: t1
              - query: {metadata.team: {$regex: "^search"}}
                then: [t1, t0]
            default: t0
          """;
      case "content-based" -> """
            rules:
              - {prompt_contains: [sql, database], prompt_not_contains: oracle, then: t0}
              - {prompt_regex: "(?i)\\\\bpython\\\\b", then: t1}
            default: t0
          """;
      case "content-based-no-regex" -> """
            rules:
              - {prompt_contains: [sql, database], prompt_not_contains: oracle, then: t0}
              - {prompt_contains: python, then: t1}
            default: t0
          """;
      case "ab-test" -> """
            variants:
              - {label: control, weight: 90, targets: [t0]}
              - {label: treatment, weight: 10, targets: [t1, t0]}
          """;
      default -> "";
    });
    GatewayConfig config = ConfigLoader.parse(yaml.toString(), Map.of());
    strategy = Strategies.create(config);
    stats = new LocalTargetStats();
    eligible = new ArrayList<>();
    for (int i = 0; i < targets; i++) {
      GatewayConfig.Target t = config.targets().get(i);
      String model = MODELS.get(i % MODELS.size());
      eligible.add(new Candidate(t, null, model));
      for (int s = 0; s < 32; s++) {
        stats.started(t);
        stats.finished(t, model, 1_000_000L * (50 + 10 * i + s % 7), true);
      }
    }
    body = Json.object().put("model", "gpt-4o").put("temperature", 0.7).put("max_tokens", 512);
    var messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", "You are a helpful assistant. Be brief.");
    messages.addObject().put("role", "user").put("content",
        "Summarise the following text in three bullet points, then suggest a title. ".repeat(6));
  }

  @Benchmark
  public List<Candidate> order() {
    RequestFacts facts = new RequestFacts("gpt-4o", "gpt-4o", false, false, "carol", Map.of("team", "ads"), body);
    return strategy.order(eligible, new RoutingContext(facts, stats, ThreadLocalRandom.current()));
  }
}
