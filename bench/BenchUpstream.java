// A fast OpenAI-format upstream for the benchmarks, in its own process: answers every POST with a fixed
// chat.completion body, or, when the body asks for "stream":true, with an SSE stream of chat.completion.chunk
// events ending in [DONE]. Run it with the gateway's jar on the class path, which carries Vert.x:
//   java [-Dlatency.ms=N] [-Dchunks=N] [-Dchunk.interval.ms=N] -cp target/switchboard.jar bench/BenchUpstream.java PORT [INSTANCES]
// latency.ms delays every answer (and a stream's first chunk); chunks (default 20) is the number of content
// chunks per stream; chunk.interval.ms (default 0: all at once) spaces them, for long-lived streams.
// tls.cert and tls.key (PEM paths) serve HTTPS instead, offering h2 and HTTP/1.1 by ALPN; plain HTTP also takes
// h2c with prior knowledge.
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;

public class BenchUpstream {
  static final Buffer BODY = Buffer.buffer("""
      {"id":"chatcmpl-bench","object":"chat.completion","created":1727346171,"model":"gpt-4o-mini-2024-07-18",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?",\
      "refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,\
      "completion_tokens":9,"total_tokens":28},"system_fingerprint":"fp_bench"}""");
  static final String CHUNK_HEAD = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1727346171,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":";
  static final Buffer FIRST = Buffer.buffer(CHUNK_HEAD
      + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
  static final Buffer TOKEN = Buffer.buffer(CHUNK_HEAD
      + "[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
  static final Buffer LAST = Buffer.buffer(CHUNK_HEAD
      + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");

  public static void main(String[] args) {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "9001");
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    long latency = Long.getLong("latency.ms", 0);
    int chunks = Integer.getInteger("chunks", 20);
    long interval = Long.getLong("chunk.interval.ms", 0);
    String cert = System.getProperty("tls.cert");
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true)
            .setAcceptBacklog(16384);
        if (cert != null) {
          options.setSsl(true).setUseAlpn(true)
              .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(System.getProperty("tls.key")));
        }
        return vertx.createHttpServer(options)
            .requestHandler(req -> req.body().onSuccess(b -> {
              boolean stream = b.toString().contains("\"stream\":true");
              Runnable answer = stream ? () -> stream(req.response(), chunks, interval) : () -> req.response()
                  .putHeader("content-type", "application/json").end(BODY);
              if (latency > 0) {
                vertx.setTimer(latency, t -> answer.run());
              } else {
                answer.run();
              }
            }))
            .listen();
      }

      private void stream(HttpServerResponse response, int chunks, long interval) {
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        response.write(FIRST);
        if (interval <= 0) {
          Buffer all = Buffer.buffer();
          for (int i = 0; i < chunks; i++) {
            all.appendBuffer(TOKEN);
          }
          response.end(all.appendBuffer(LAST));
          return;
        }
        int[] sent = {0};
        vertx.setPeriodic(interval, id -> {
          if (response.closed()) {
            vertx.cancelTimer(id);
          } else if (sent[0]++ < chunks) {
            response.write(TOKEN);
          } else {
            vertx.cancelTimer(id);
            response.end(LAST);
          }
        });
      }
    }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bench upstream on " + port))
        .onFailure(t -> { t.printStackTrace(); System.exit(1); });
  }
}
