package io.switchboard.plugin.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchanges;
import io.switchboard.plugin.Finish;
import io.switchboard.pricing.PriceCatalog;
import io.switchboard.provider.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class BodySizeTest {
  @Test
  void aRequestIsMeasuredByItsContentLengthElseByItsTree() {
    ObjectNode body = Json.object().put("model", "m").put("prompt", "x".repeat(10_000));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("content-length", "123456");
    assertThat(BodySize.request(Exchanges.of(Operation.CHAT, body, headers))).isEqualTo(123_456);
    headers.set("content-length", "nonsense");
    assertThat(BodySize.request(Exchanges.of(Operation.CHAT, body, headers))).isBetween(10_000L, 10_100L);
    assertThat(BodySize.request(Exchanges.chat(Json.object()))).as("refused before parsing").isZero();
  }

  @Test
  void aTreeTooBigToWalkCountsAsBig() {
    ArrayNode tokens = Json.object().putArray("input");
    for (int i = 0; i <= BodySize.MAX_NODES; i++) {
      tokens.add(i);
    }
    assertThat(BodySize.tree(tokens)).isEqualTo(BodySize.BIG);
  }

  @Test
  void anAnswerIsItsBytesOrItsAssembledTree() {
    PriceCatalog prices = PriceCatalog.builtIn();
    Finish bytes = new Finish(200, false, "openai", "a", "m", 1, 1, -1, null, Buffer.buffer("x".repeat(777)), null,
        prices);
    Finish stream = new Finish(200, true, "openai", "a", "m", 1, 1, -1, Json.object().put("content", "y".repeat(500)),
        null, null, prices);
    Finish none = new Finish(502, false, null, null, null, 1, 1, -1, null, null, Json.object(), prices);
    assertThat(BodySize.answer(bytes)).isEqualTo(777);
    assertThat(BodySize.answer(stream)).isBetween(500L, 600L);
    assertThat(BodySize.answer(none)).isZero();
  }
}
