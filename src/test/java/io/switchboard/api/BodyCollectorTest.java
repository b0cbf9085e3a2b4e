package io.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.switchboard.stream.MemoryReadStream;
import io.switchboard.testing.ManualReadStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BodyCollectorTest {

  @Test
  void oneChunkIsKeptAsItIs() {
    Buffer chunk = Buffer.buffer("{\"model\":\"m\"}");
    BodyCollector body = new BodyCollector();
    body.add(chunk);
    assertThat(body.result()).isSameAs(chunk);
    assertThat(body.length()).isEqualTo(13);
  }

  @Test
  void laterChunksAreJoinedInOrder() {
    BodyCollector body = new BodyCollector();
    body.add(Buffer.buffer("ab"));
    body.add(Buffer.buffer(""));
    body.add(Buffer.buffer("cde"));
    body.add(Buffer.buffer("f"));
    assertThat(body.result().toString()).isEqualTo("abcdef");
    assertThat(body.length()).isEqualTo(6);
  }

  @Test
  void theJoinedBufferGrowsWithTheBytesReceived() {
    // A client declaring 10 MiB and sending 8 bytes must not get 10 MiB reserved (60 such clients: 600 MiB).
    BodyCollector body = new BodyCollector();
    body.add(Buffer.buffer("{\"mo"));
    body.add(Buffer.buffer("del\""));
    assertThat(((BufferInternal) body.result()).getByteBuf().capacity()).isLessThanOrEqualTo(1024);
  }

  @Test
  void noChunkIsAnEmptyBody() {
    assertThat(new BodyCollector().result().length()).isZero();
  }

  @Test
  void collectsAStreamAndFailsWithIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // Handlers are set on the stream's event loop, as Vert.x streams expect.
      Context context = vertx.getOrCreateContext();
      Promise<Buffer> whole = Promise.promise();
      context.runOnContext(v -> BodyCollector.collect(new MemoryReadStream(context,
          List.of(Buffer.buffer("{\"a\":"), Buffer.buffer("1}")))).onComplete(whole));
      assertThat(whole.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).toString())
          .isEqualTo("{\"a\":1}");

      ManualReadStream failing = new ManualReadStream();
      Future<Buffer> failed = BodyCollector.collect(failing);
      failing.push(Buffer.buffer("{\"a\""));
      failing.fail(new IllegalStateException("connection closed"));
      assertThat(failed.failed()).isTrue();
      assertThat(failed.cause()).hasMessage("connection closed");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void parsesHeapBuffersInPlaceAndOthersByCopy() throws Exception {
    // A slice: the bytes start past the backing array's beginning, so offset and index must both count.
    Buffer framed = Buffer.buffer("xx{\"model\":\"gpt\",\"n\":2}yy");
    JsonNode sliced = Json.parse(framed.slice(2, framed.length() - 2));
    assertThat(sliced.path("model").asText()).isEqualTo("gpt");
    assertThat(sliced.path("n").asInt()).isEqualTo(2);

    byte[] json = "{\"direct\":true}".getBytes(StandardCharsets.UTF_8);
    Buffer direct = BufferInternal.buffer(Unpooled.directBuffer(json.length).writeBytes(json));
    assertThat(Json.parse(direct).path("direct").asBoolean()).isTrue();
  }
}
