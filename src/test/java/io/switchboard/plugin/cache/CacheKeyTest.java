package io.switchboard.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.plugin.Exchange;
import io.switchboard.plugin.Exchanges;
import io.switchboard.provider.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheKeyTest {
  static final String BASE = """
      {"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
       "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
       "response_format":{"type":"json_object"},"temperature":0.2,"top_p":0.9,"seed":7,"n":1,"max_tokens":100,
       "stop":["END"],"presence_penalty":0,"frequency_penalty":0,"logit_bias":{"50256":-100},"tool_choice":"auto",
       "parallel_tool_calls":true,"logprobs":false,"reasoning_effort":"low","max_completion_tokens":200}
      """;

  static ObjectNode body(String json) {
    return (ObjectNode) Json.parseOrNull(Buffer.buffer(json));
  }

  static String key(ObjectNode body) {
    return CacheKey.of(Exchanges.chat(body));
  }

  @Test
  void keyOrderDoesNotMatterAtAnyDepth() {
    assertThat(key(body("{\"a\":1,\"b\":2}"))).isEqualTo(key(body("{\"b\":2,\"a\":1}")));
    String reordered = """
        {"max_completion_tokens":200,"reasoning_effort":"low","logprobs":false,"parallel_tool_calls":true,
         "tool_choice":"auto","logit_bias":{"50256":-100},"frequency_penalty":0,"presence_penalty":0,"stop":["END"],
         "max_tokens":100,"n":1,"seed":7,"top_p":0.9,"temperature":0.2,"response_format":{"type":"json_object"},
         "tools":[{"function":{"parameters":{"properties":{"city":{"type":"string"}},"type":"object"},"name":"get_weather"},"type":"function"}],
         "messages":[{"content":"Be brief.","role":"system"},{"content":"Hi","role":"user"}],"model":"gpt-4o"}
        """;
    assertThat(key(body(reordered))).isEqualTo(key(body(BASE))).hasSize(64).matches("[0-9a-f]{64}");
  }

  @Test
  void deliveryAndIdentityFieldsAreLeftOut() {
    ObjectNode other = body(BASE);
    other.put("stream", true).put("user", "u-42").put("safety_identifier", "s").put("prompt_cache_key", "k");
    other.putObject("stream_options").put("include_usage", true);
    assertThat(key(other)).isEqualTo(key(body(BASE)));
  }

  @Test
  void numbersCompareByValue() {
    assertThat(key(body("{\"model\":\"m\",\"temperature\":1}"))).isEqualTo(key(body("{\"model\":\"m\",\"temperature\":1.0}")));
    assertThat(key(body("{\"model\":\"m\",\"temperature\":1}"))).isNotEqualTo(key(body("{\"model\":\"m\",\"temperature\":\"1\"}")));
    assertThat(key(body("{\"model\":\"m\",\"x\":[1,23]}"))).isNotEqualTo(key(body("{\"model\":\"m\",\"x\":[12,3]}")));
    assertThat(key(body("{\"model\":\"m\",\"x\":[\"a\",\"b\"]}"))).isNotEqualTo(key(body("{\"model\":\"m\",\"x\":[\"a,b\"]}")));
    assertThat(key(body("{\"model\":\"m\",\"x\":null}"))).isNotEqualTo(key(body("{\"model\":\"m\"}")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/model=\"gpt-4o-mini\"", "/messages/1/content=\"Hello\"", "/messages/0/role=\"developer\"",
      "/tools/0/function/name=\"get_time\"", "/response_format/type=\"text\"", "/temperature=0.3", "/top_p=1",
      "/seed=8", "/n=2", "/max_tokens=101", "/stop/0=\"STOP\"", "/presence_penalty=0.5", "/frequency_penalty=0.5",
      "/logit_bias/50256=100", "/tool_choice=\"none\"", "/parallel_tool_calls=false", "/logprobs=true",
      "/reasoning_effort=\"high\"", "/max_completion_tokens=201", "/some_future_param=1"})
  void everyAnswerShapingFieldChangesTheKey(String change) {
    int eq = change.indexOf('=');
    String pointer = change.substring(0, eq);
    ObjectNode changed = body(BASE);
    com.fasterxml.jackson.core.JsonPointer at = com.fasterxml.jackson.core.JsonPointer.compile(pointer);
    com.fasterxml.jackson.databind.JsonNode parent = changed.at(at.head());
    com.fasterxml.jackson.databind.JsonNode value = Json.parseOrNull(Buffer.buffer(change.substring(eq + 1)));
    if (parent.isArray()) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(at.last().getMatchingProperty()), value);
    } else {
      ((ObjectNode) parent).set(at.last().getMatchingProperty(), value);
    }
    assertThat(changed).isNotEqualTo(body(BASE));
    assertThat(key(changed)).as(change).isNotEqualTo(key(body(BASE)));
  }

  @Test
  void scopedByApiKeyOperationAndRoutingMetadata() {
    String a = CacheKey.of(Exchanges.withKey(body(BASE), "sk-alice"));
    String b = CacheKey.of(Exchanges.withKey(body(BASE), "sk-bob"));
    String anonymous = CacheKey.of(Exchanges.withKey(body(BASE), null));
    assertThat(a).isNotEqualTo(b).isNotEqualTo(anonymous);
    assertThat(CacheKey.of(Exchanges.withKey(body(BASE), "sk-alice"))).isEqualTo(a);

    Exchange embeddings = Exchanges.of(Operation.EMBEDDINGS, body(BASE), MultiMap.caseInsensitiveMultiMap());
    assertThat(CacheKey.of(embeddings)).isNotEqualTo(anonymous);

    String plain = CacheKey.of("anonymous", "chat.completions", Map.of(), body(BASE));
    String tagged = CacheKey.of("anonymous", "chat.completions", Map.of("tier", "gold", "app", "x"), body(BASE));
    String sameTags = CacheKey.of("anonymous", "chat.completions", new java.util.LinkedHashMap<>(
        Map.of("app", "x", "tier", "gold")), body(BASE));
    assertThat(plain).isEqualTo(anonymous);
    assertThat(tagged).isNotEqualTo(plain).isEqualTo(sameTags);
  }
}
