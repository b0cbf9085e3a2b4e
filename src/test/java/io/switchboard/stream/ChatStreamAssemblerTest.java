package io.switchboard.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Recorded OpenAI streams (openai-python's inline snapshots) rebuilt into the completion they stand for. */
class ChatStreamAssemblerTest {
  static final String DIR = "/providers/openai/openai-python-inline-snapshot/";

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = ChatStreamAssemblerTest.class.getResourceAsStream(DIR + name)) {
      return in.readAllBytes();
    }
  }

  /** Feeds the bytes in random pieces, as the network would, and returns the assembler. */
  static ChatStreamAssembler assemble(String name, long seed) throws IOException {
    byte[] bytes = fixture(name);
    ChatStreamAssembler assembler = new ChatStreamAssembler();
    Random random = new Random(seed);
    int at = 0;
    while (at < bytes.length) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(200));
      assembler.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, at, at + n)));
      at += n;
    }
    assembler.end();
    return assembler;
  }

  @Test
  void textStreamBecomesOneMessageWithUsage() throws IOException {
    for (long seed = 0; seed < 20; seed++) {
      ChatStreamAssembler a = assemble("e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin", seed);
      ObjectNode completion = a.completion();
      assertThat(a.done()).isTrue();
      assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
      assertThat(completion.get("id").asText()).isEqualTo("chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL");
      assertThat(completion.get("model").asText()).isEqualTo("gpt-4o-2024-08-06");
      assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo(
          "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, "
              + "I recommend checking a reliable weather website or a weather app.");
      assertThat(completion.at("/choices/0/message/role").asText()).isEqualTo("assistant");
      assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
      assertThat(completion.at("/usage/prompt_tokens").asInt()).isEqualTo(14);
      assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(30);
    }
  }

  @Test
  void toolCallArgumentsAreJoinedByIndex() throws IOException {
    ChatStreamAssembler a = assemble("2018feb66ae13fcf5333d61b95849decc68d3f63bd38172889367e1afb1e04f7.bin", 7);
    JsonNode message = a.completion().at("/choices/0/message");
    assertThat(message.get("content").isNull()).isTrue();
    assertThat(message.at("/tool_calls/0/id").asText()).isEqualTo("call_4XzlGBLtUe9dy3GVNV4jhq7h");
    assertThat(message.at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(message.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"New York City\"}");
    assertThat(a.completion().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(a.usage().get("total_tokens").asInt()).isEqualTo(60);
  }

  @Test
  void interleavedChoicesStayApart() throws IOException {
    ObjectNode completion = assemble("a491adda08c3d4fde95f5b2ee3f60f7f745f1a56d82e62f58031cc2add502380.bin", 3)
        .completion();
    assertThat(completion.get("choices")).hasSize(3);
    assertThat(completion.at("/choices/0/message/content").asText())
        .isEqualTo("{\"city\":\"San Francisco\",\"temperature\":65,\"units\":\"f\"}");
    assertThat(completion.at("/choices/1/message/content").asText())
        .isEqualTo("{\"city\":\"San Francisco\",\"temperature\":61,\"units\":\"f\"}");
    assertThat(completion.at("/choices/2/message/content").asText())
        .isEqualTo("{\"city\":\"San Francisco\",\"temperature\":59,\"units\":\"f\"}");
    assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(121);
  }

  @Test
  void refusalsAreKeptApartFromContent() throws IOException {
    JsonNode message = assemble("173417d553406f034f643e5db3f8d591fb691ebac56f5ae39a22cc7d455c5353.bin", 1)
        .completion().at("/choices/0/message");
    assertThat(message.get("refusal").asText()).isEqualTo("I'm sorry, I can't assist with that request.");
    assertThat(message.get("content").isNull()).isTrue();
  }

  @Test
  void aStreamCutShortIsNotDoneAndAnErrorEventIsKept() {
    ChatStreamAssembler a = new ChatStreamAssembler();
    a.feed(Buffer.buffer("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"));
    a.feed(Buffer.buffer("data: {\"error\":{\"message\":\"upstream went away\",\"type\":\"api_error\"}}\n\n"));
    a.end();
    assertThat(a.done()).isFalse();
    assertThat(a.error().get("message").asText()).isEqualTo("upstream went away");
    assertThat(a.completion().at("/choices/0/message/content").asText()).isEqualTo("Hel");
    assertThat(a.completion().at("/choices/0/finish_reason").isNull()).isTrue();
  }
}
