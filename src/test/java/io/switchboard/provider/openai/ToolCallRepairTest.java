package io.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.Json;
import io.switchboard.stream.SseDecoder;
import io.switchboard.stream.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallRepairTest {
  @Test
  void anAnswerWithoutToolCallsKeepsItsBytes() {
    Buffer body = Buffer.buffer("{ \"choices\" : [{\"message\":{\"content\":\"hi\"}}] }");
    assertThat(ToolCallRepair.complete(body)).isSameAs(body);
  }

  @Test
  void aCallWithoutTypeGetsFunctionAndOneThatHasItIsLeftAlone() throws Exception {
    Buffer body = Buffer.buffer("{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\"}},"
        + "{\"id\":\"b\",\"type\":\"custom\",\"custom\":{}}]}}]}");
    var repaired = Json.parse(ToolCallRepair.complete(body));
    assertThat(repaired.at("/choices/0/message/tool_calls/0/type").asText()).isEqualTo("function");
    assertThat(repaired.at("/choices/0/message/tool_calls/1/type").asText()).isEqualTo("custom");
  }

  @Test
  void streamedCallsAreNumberedPerChoiceByIdAndContinuationsKeepTheirIndex() {
    ToolCallRepair.Stream stream = new ToolCallRepair.Stream();
    String first = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\","
        + "\"arguments\":\"{\\\"x\\\"\"}}]}}]}\n\n";
    String more = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\":1}\"}}]}}]}\n\n";
    String second = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"b\",\"function\":{\"name\":\"g\"}}]}},"
        + "{\"index\":1,\"delta\":{\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"h\"}}]}}]}\n\n";
    String done = "data: [DONE]\n\n";
    // Split inside an event: the repair works on whole events.
    String all = first + more + second + done;
    Buffer out = stream.onChunk(Buffer.buffer(all.substring(0, 40)))
        .appendBuffer(stream.onChunk(Buffer.buffer(all.substring(40)))).appendBuffer(stream.onEnd());

    List<SseEvent> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(events::add);
    decoder.feed(out);
    decoder.end();
    assertThat(events).hasSize(4);
    assertThat(index(events.get(0), 0, 0)).isEqualTo("0 function");
    assertThat(index(events.get(1), 0, 0)).isEqualTo("0 -");
    assertThat(index(events.get(2), 0, 0)).isEqualTo("1 function");
    assertThat(index(events.get(2), 1, 0)).isEqualTo("0 function");
    assertThat(events.get(3).data()).isEqualTo("[DONE]");
  }

  @Test
  void aStreamThatAlreadyNumbersItsCallsPassesUnchanged() {
    String event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":3,\"id\":\"a\",\"type\":\"function\"}]}}]}\n\n";
    ToolCallRepair.Stream stream = new ToolCallRepair.Stream();
    assertThat(stream.onChunk(Buffer.buffer(event)).toString()).isEqualTo(event);
  }

  private static String index(SseEvent event, int choice, int call) {
    try {
      var node = Json.parse(event.data()).at("/choices/" + choice + "/delta/tool_calls/" + call);
      return node.path("index").asInt(-1) + " " + node.path("type").asText("-");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
