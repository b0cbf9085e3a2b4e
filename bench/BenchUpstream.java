// A minimal OpenAI-format upstream for the benchmark: answers every POST with a fixed
// chat.completion body (stream requests with a short fixed SSE stream). Run it with the gateway's jar
// on the class path, which carries Vert.x:
//   java -cp target/switchboard.jar bench/BenchUpstream.java PORT
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

public class BenchUpstream {
  static final Buffer BODY = Buffer.buffer("""
      {"id":"chatcmpl-bench","object":"chat.completion","created":1727346171,"model":"gpt-4o-mini-2024-07-18",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?",\
      "refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,\
      "completion_tokens":9,"total_tokens":28},"system_fingerprint":"fp_bench"}""");

  public static void main(String[] args) {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "9001");
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
            .requestHandler(req -> req.body().onSuccess(b -> req.response()
                .putHeader("content-type", "application/json").end(BODY)))
            .listen();
      }
    }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bench upstream on " + port))
        .onFailure(t -> { t.printStackTrace(); System.exit(1); });
  }
}
