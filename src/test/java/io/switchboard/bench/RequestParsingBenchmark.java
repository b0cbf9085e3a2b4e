package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.provider.Operation;
import io.switchboard.routing.RequestFacts;
import io.switchboard.server.ApiHandlerAccess;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
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
 * What the server does with a {@code POST /v1/chat/completions} body before routing: {@code ApiHandler.parseBody}
 * (the Buffer read into a Jackson tree, then the model, stream and messages checks), and then the
 * {@link RequestFacts} routing reads from it. Small is bench/post.lua's body (180 B); large is 8 turns with tool
 * calls and 4 tools (about 20 KB). Alias resolution is left out (a map lookup in ModelRouter). Run with
 * bench/jmh.sh; not part of the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestParsingBenchmark {
  @Param({"small", "large"})
  public String size;

  Buffer bytes;

  @Setup(Level.Trial)
  public void setup() {
    bytes = BenchBodies.request(size);
  }

  @Benchmark
  public ObjectNode parseBody() {
    return ApiHandlerAccess.parseBody(bytes, Operation.CHAT);
  }

  /** parseBody, the metadata header (absent), and the facts, as {@code dispatch} and {@code routeAndExecute} do. */
  @Benchmark
  public RequestFacts parseToFacts() {
    ObjectNode body = ApiHandlerAccess.parseBody(bytes, Operation.CHAT);
    Map<String, String> metadata = ApiHandlerAccess.metadata(null);
    String model = body.path("model").asText();
    return RequestFacts.of(model, model, body, metadata);
  }
}
