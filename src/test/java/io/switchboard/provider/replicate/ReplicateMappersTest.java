package io.switchboard.provider.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.stream.SseEvent;
import io.switchboard.stream.StreamFailure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replicate's request, answer and stream mappings, without a server. */
class ReplicateMappersTest {
  static JsonNode json(String text) throws Exception {
    return Json.parse(text);
  }

  static UnsupportedParams warn(List<String> warnings) {
    return new UnsupportedParams(UnsupportedParamPolicy.WARN, "replicate", warnings);
  }

  @Test
  void aModelNamesItsPredictionsPathOrItsPinnedVersion() {
    assertThat(ReplicateRequestMapper.target("meta/meta-llama-3-8b-instruct"))
        .isEqualTo(new ReplicateRequestMapper.Target("/models/meta/meta-llama-3-8b-instruct/predictions", null));
    assertThat(ReplicateRequestMapper.target("acme/m:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"))
        .isEqualTo(new ReplicateRequestMapper.Target("/predictions",
            "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"));
  }

  @Test
  void aModelCannotReachAnotherPath() {
    for (String bad : List.of("llama3", "a/b/c", "../account", "a/..", "/b", "a/b:", "a/")) {
      assertThatThrownBy(() -> ReplicateRequestMapper.target(bad)).as(bad).isInstanceOf(ApiException.class)
          .hasMessageContaining("owner/name");
    }
    assertThat(ReplicateRequestMapper.target("a b/c?d").path()).isEqualTo("/models/a%20b/c%3Fd/predictions");
  }

  @Test
  void theConversationIsOnePromptAndTheSamplingParametersKeepTheirValues() throws Exception {
    JsonNode request = json("""
        {"model":"m/x","messages":[{"role":"system","content":"Terse."},
          {"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]},
          {"role":"assistant","content":"Hello"},{"role":"user","content":"Again?"}],
         "temperature":0,"top_p":0.9,"seed":7,"max_completion_tokens":64,"stop":"END",
         "presence_penalty":0.5,"frequency_penalty":0.25,"n":1,"user":"u1"}""");
    List<String> warnings = new ArrayList<>();
    ObjectNode out = ReplicateRequestMapper.toPrediction(request,
        new ReplicateRequestMapper.Target("/predictions", "v1"), false, warn(warnings));
    assertThat(out.path("version").asText()).isEqualTo("v1");
    JsonNode input = out.path("input");
    assertThat(input.path("prompt").asText())
        .isEqualTo("system: Terse.\nuser: Hi there\nassistant: Hello\nuser: Again?\nassistant: ");
    assertThat(input.path("temperature").isNumber()).isTrue();
    assertThat(input.path("temperature").asDouble()).isZero();
    assertThat(input.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(input.path("seed").asInt()).isEqualTo(7);
    assertThat(input.path("max_tokens").asInt()).isEqualTo(64);
    assertThat(input.path("stop_sequences")).hasSize(1);
    assertThat(input.path("stop_sequences").get(0).asText()).isEqualTo("END");
    assertThat(input.path("presence_penalty").asDouble()).isEqualTo(0.5);
    assertThat(input.path("frequency_penalty").asDouble()).isEqualTo(0.25);
    assertThat(out.has("stream")).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void whatAPromptCannotCarryIsHandledByThePolicyOrRefused() throws Exception {
    List<String> warnings = new ArrayList<>();
    ReplicateRequestMapper.toPrediction(json("""
        {"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}],"n":2}"""),
        new ReplicateRequestMapper.Target("/p", null), true, warn(warnings));
    assertThat(warnings).hasSize(2).anyMatch(w -> w.contains("'tools'")).anyMatch(w -> w.contains("'n'"));
    assertThatThrownBy(() -> ReplicateRequestMapper.toPrediction(json("""
        {"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}"""),
        new ReplicateRequestMapper.Target("/p", null), false,
        new UnsupportedParams(UnsupportedParamPolicy.REJECT, "replicate", warnings)))
        .isInstanceOf(ApiException.class).hasMessageContaining("response_format");
    assertThatThrownBy(() -> ReplicateRequestMapper.toPrediction(json("""
        {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x/i.png"}}]}]}"""),
        new ReplicateRequestMapper.Target("/p", null), false, warn(warnings)))
        .isInstanceOf(ApiException.class).hasMessageContaining("image_url");
  }

  @Test
  void aFinishedPredictionIsAChatCompletion() throws Exception {
    JsonNode prediction = json("""
        {"id":"abc","status":"succeeded","output":["Hel","lo",7],"metrics":{"input_token_count":4,
         "output_token_count":2,"predict_time":0.5}}""");
    assertThat(ReplicateResponseMapper.state(prediction)).isEqualTo(ReplicateResponseMapper.State.SUCCEEDED);
    ObjectNode out = ReplicateResponseMapper.toChatCompletion(prediction, "m/x");
    assertThat(out.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello");
    assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(out.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    assertThat(out.path("model").asText()).isEqualTo("m/x");
    JsonNode plain = json("{\"id\":\"d\",\"status\":\"succeeded\",\"output\":\"whole\"}");
    ObjectNode whole = ReplicateResponseMapper.toChatCompletion(plain, "m/x");
    assertThat(whole.path("choices").get(0).path("message").path("content").asText()).isEqualTo("whole");
    assertThat(whole.has("usage")).isFalse();
  }

  @Test
  void statesAndFailures() throws Exception {
    assertThat(ReplicateResponseMapper.state(json("{\"status\":\"starting\"}")))
        .isEqualTo(ReplicateResponseMapper.State.RUNNING);
    assertThat(ReplicateResponseMapper.state(json("{\"status\":\"processing\"}")))
        .isEqualTo(ReplicateResponseMapper.State.RUNNING);
    assertThat(ReplicateResponseMapper.state(json("{\"status\":\"canceled\"}")))
        .isEqualTo(ReplicateResponseMapper.State.FAILED);
    assertThat(ReplicateResponseMapper.failure(json("{\"id\":\"p\",\"status\":\"failed\",\"error\":\"boom\"}")))
        .isEqualTo("Replicate prediction p failed: boom");
  }

  @Test
  void streamOutputEventsAreContentAndDoneEndsIt() {
    ReplicateStreamMapper mapper = new ReplicateStreamMapper("p1", "m/x");
    List<ObjectNode> first = mapper.onEvent(new SseEvent("output", "Hel", "1"));
    assertThat(first.getFirst().path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
    assertThat(first.getFirst().path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Hel");
    List<ObjectNode> second = mapper.onEvent(new SseEvent("output", "lo\nworld", "2"));
    assertThat(second.getFirst().path("choices").get(0).path("delta").has("role")).isFalse();
    assertThat(second.getFirst().path("choices").get(0).path("delta").path("content").asText())
        .isEqualTo("lo\nworld");
    assertThat(mapper.onEvent(new SseEvent(null, "keep-alive", null))).isEmpty();
    List<ObjectNode> done = mapper.onEvent(new SseEvent("done", "{}", null));
    assertThat(done.getFirst().path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(done.getFirst().path("id").asText()).isEqualTo("chatcmpl-p1");
    assertThat(mapper.onEnd()).isEmpty();
  }

  @Test
  void aStreamErrorACancelOrACutIsAFailure() {
    assertThatThrownBy(() -> new ReplicateStreamMapper("p", "m").onEvent(new SseEvent("error", "{\"detail\":\"x\"}",
        null))).isInstanceOf(StreamFailure.class).hasMessageContaining("detail");
    assertThatThrownBy(() -> new ReplicateStreamMapper("p", "m").onEvent(new SseEvent("done",
        "{\"reason\":\"canceled\"}", null))).isInstanceOf(StreamFailure.class).hasMessageContaining("canceled");
    ReplicateStreamMapper cut = new ReplicateStreamMapper("p", "m");
    cut.onEvent(new SseEvent("output", "partial", null));
    assertThatThrownBy(cut::onEnd).isInstanceOf(StreamFailure.class).hasMessageContaining("done");
  }
}
